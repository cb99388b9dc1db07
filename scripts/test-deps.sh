#!/usr/bin/env bash
# Installs the real servers and tools the tests talk to (Debian 12 packages). Idempotent: does
# nothing when everything is present. Needs root (CI runs as root) for apt-get.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have sshd || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
have ssh || need+=(openssh-client)
have ssh-keyscan || need+=(openssh-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
have redis-server || need+=(redis-server)
have chromium || need+=(chromium)
have ansible || need+=(ansible)
have ip || need+=(iproute2)
have pkill || need+=(procps)
have busybox || need+=(busybox)
have prometheus || need+=(prometheus)
have victoria-metrics || [ -x /usr/bin/victoria-metrics ] || need+=(victoria-metrics)
have runuser || need+=(util-linux)
have cc || need+=(gcc libc6-dev)
have musl-gcc || need+=(musl-tools)
have vmtouch || need+=(vmtouch)
have ping || need+=(iputils-ping)
have nft || need+=(nftables)
have perl || need+=(perl)
have mkfs.ext4 || need+=(e2fsprogs)
have losetup || need+=(mount)
have rpmbuild || need+=(rpm)
have dnf || need+=(dnf)
have createrepo_c || need+=(createrepo-c)
have debootstrap || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
have zstd || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: missing ${need[*]}; run as root (or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "test-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
mkdir -p /run/sshd
