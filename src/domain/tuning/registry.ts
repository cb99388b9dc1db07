/** Every tuning rule. Adding a rule is adding one file under rules/ and one line here. */
import sshPort from './rules/ssh-port';
import sshRootLogin from './rules/ssh-root-login';
import sshPasswordAuth from './rules/ssh-password-auth';
import sshUsedns from './rules/ssh-usedns';
import sshGssapi from './rules/ssh-gssapi';
import selinux from './rules/selinux';
import firewallActive from './rules/firewall-active';
import hostnameResolves from './rules/hostname-resolves';
import localeUtf8 from './rules/locale-utf8';
import nofileLimit from './rules/nofile-limit';
import timeSync from './rules/time-sync';
import tcpTwReuse from './rules/tcp-tw-reuse';
import tcpTwRecycle from './rules/tcp-tw-recycle';
import somaxconn from './rules/somaxconn';
import ipLocalPortRange from './rules/ip-local-port-range';
import rcLocalExec from './rules/rc-local-exec';
import nicConfig from './rules/nic-config';
import pidMax from './rules/pid-max';
import containerPidsLimit from './rules/container-pids-limit';
import memcgKmem from './rules/memcg-kmem';
import kernelLogOwner from './rules/kernel-log-owner';
import inotifyInstances from './rules/inotify-instances';
import inotifyWatches from './rules/inotify-watches';
import dmesgRestrict from './rules/dmesg-restrict';
import kptrRestrict from './rules/kptr-restrict';
import type { TuneRule } from './tuning';

export const RULES: readonly TuneRule[] = [
  sshPort,
  sshRootLogin,
  sshPasswordAuth,
  sshUsedns,
  sshGssapi,
  selinux,
  firewallActive,
  hostnameResolves,
  localeUtf8,
  nofileLimit,
  timeSync,
  tcpTwReuse,
  tcpTwRecycle,
  somaxconn,
  ipLocalPortRange,
  rcLocalExec,
  nicConfig,
  pidMax,
  containerPidsLimit,
  memcgKmem,
  kernelLogOwner,
  inotifyInstances,
  inotifyWatches,
  dmesgRestrict,
  kptrRestrict,
];

export function findRule(id: string): TuneRule | undefined {
  return RULES.find((r) => r.id === id);
}
