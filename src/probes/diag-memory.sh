# osdeck memory panorama probe. Parameters (environment):
#   OSDECK_CGROUP   a memory cgroup to look into: a path under the memory cgroup mount ("/kubepods/pod1"),
#                   or a name fragment (container id, pod uid) found by search; empty = host only
#   OSDECK_PATHS    extra files or directories whose cached pages should be counted (":"-separated)
#   OSDECK_DEPTH    how deep to read the memory cgroup tree (stat files), OSDECK_MAX_CGROUPS its cap
#   OSDECK_KPAGE    1 = scan /proc/kpageflags + /proc/kpagecgroup (root) for the per-cgroup page split
#   OSDECK_MAX_FILES cap on files walked under overlay upper dirs and extra paths
# Uses pagecache_files / pagecache_tree / pagecache_kpage from lib-pagecache.sh (put before this file).
m="@@osdeck $OSDECK_MARK"
sec() { echo "$m $1"; }
cat_if() { [ -r "$1" ] && cat "$1" 2>/dev/null; }
: "${OSDECK_DEPTH:=4}" "${OSDECK_MAX_CGROUPS:=2000}" "${OSDECK_KPAGE:=1}" "${OSDECK_MAX_FILES:=20000}"

sec env
echo "uid $(id -u)"
echo "pagesize $(getconf PAGESIZE 2>/dev/null || echo 4096)"
echo "kernel $(uname -r)"
echo "cpus $(grep -c ^processor /proc/cpuinfo 2>/dev/null)"
if [ -r /proc/self/uid_map ]; then echo "uid_map $(head -n1 /proc/self/uid_map)"; fi
sec meminfo; cat_if /proc/meminfo
# per-CPU page lists are not in MemFree: keep the zone headers and their pageset counts (big hosts have many CPUs)
sec zoneinfo; grep -E '^Node|^ +count:|^ +pages free|^ +(min|low|high|managed) ' /proc/zoneinfo 2>/dev/null
sec vmstat; cat_if /proc/vmstat
sec buddyinfo; cat_if /proc/buddyinfo
sec slabinfo; cat_if /proc/slabinfo
sec sockstat; cat_if /proc/net/sockstat; cat_if /proc/net/sockstat6
sec sysvipc_shm; head -n 2001 /proc/sysvipc/shm 2>/dev/null
sec cgroups; cat_if /proc/cgroups
sec mountinfo; head -n 5000 /proc/self/mountinfo 2>/dev/null
sec hugepages
for d in /sys/kernel/mm/hugepages/hugepages-*; do
  [ -d "$d" ] || continue
  echo "${d##*/} $(cat "$d/nr_hugepages" 2>/dev/null) $(cat "$d/free_hugepages" 2>/dev/null) $(cat "$d/resv_hugepages" 2>/dev/null) $(cat "$d/surplus_hugepages" 2>/dev/null)"
done
sec drm
for f in /sys/class/drm/card*/device/mem_info_vram_used /sys/class/drm/card*/device/mem_info_vram_total /sys/class/drm/card*/device/mem_info_gtt_used /sys/class/drm/card*/device/mem_info_gtt_total; do
  [ -r "$f" ] && echo "$f $(cat "$f" 2>/dev/null)"
done
sec dmabuf; [ -r /sys/kernel/debug/dma_buf/bufinfo ] && head -c 65536 /sys/kernel/debug/dma_buf/bufinfo 2>/dev/null

# the memory controller: cgroup v1 "memory" hierarchy, else the cgroup2 mount if memory is enabled there
v1=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ { print $5; exit }' /proc/self/mountinfo 2>/dev/null)
v2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo 2>/dev/null)
if [ -n "$v2" ] && ! grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then v2=""; fi
sec memcg_mounts; echo "v1 $v1"; echo "v2 $v2"
# Each cgroup is one record: "@cg VERSION RELPATH", then "usage N", "limit N", then memory.stat.
memcg_dump() { # $1 version, $2 mount
  ( cd "$2" 2>/dev/null || exit 0
    find . -maxdepth "$OSDECK_DEPTH" -type d 2>/dev/null | head -n "$OSDECK_MAX_CGROUPS" | while IFS= read -r d; do
      rel=${d#.}; [ -n "$rel" ] || rel=/
      echo "@cg $1 $rel"
      if [ "$1" = v1 ]; then
        echo "usage $(cat "$d/memory.usage_in_bytes" 2>/dev/null)"; echo "limit $(cat "$d/memory.limit_in_bytes" 2>/dev/null)"
      else
        echo "usage $(cat "$d/memory.current" 2>/dev/null)"; echo "limit $(cat "$d/memory.max" 2>/dev/null)"
      fi
      cat "$d/memory.stat" 2>/dev/null
    done )
}
sec memcg
[ -n "$v1" ] && memcg_dump v1 "$v1"
[ -n "$v2" ] && memcg_dump v2 "$v2"
sec memcg_count
[ -n "$v1" ] && echo "v1_dirs $(find "$v1" -type d 2>/dev/null | wc -l)"
[ -n "$v2" ] && echo "v2_dirs $(find "$v2" -type d 2>/dev/null | wc -l)"
sec cgroup_stat_v2; [ -n "$v2" ] && cat_if "$v2/cgroup.stat"

# processes: memory per process and the memory cgroup each belongs to
sec proc_status
# grep -H names each file and skips unreadable ones (awk would stop at the first it cannot open)
grep -sH -E '^(Name|Tgid|VmRSS|RssAnon|RssFile|RssShmem):' /proc/[0-9]*/status 2>/dev/null | awk '
  { split($0, a, ":"); f = a[1]; if (f != cur) { if (cur != "") print pid, rss, anon, file, shm, name; cur = f; pid = ""; rss = anon = file = shm = 0; name = "" }
    k = a[2]; v = $2 }
  k == "Name" { name = v } k == "Tgid" { pid = v } k == "VmRSS" { rss = v } k == "RssAnon" { anon = v } k == "RssFile" { file = v } k == "RssShmem" { shm = v }
  END { if (cur != "") print pid, rss, anon, file, shm, name }'
sec proc_cgroup
grep -sH '' /proc/[0-9]*/cgroup 2>/dev/null | awk -F: '($3 == "memory" || ($2 == "0" && $3 == "")) { split($1, p, "/"); path = $4; for (i = 5; i <= NF; i++) path = path ":" $i; print p[3], ($2 == "0" ? "v2" : "v1"), path }'

# The chosen cgroup: its directory and its processes
cg_dir=""; cg_ver=""
if [ -n "$OSDECK_CGROUP" ]; then
  for pair in "v1:$v1" "v2:$v2"; do
    ver=${pair%%:*}; mnt=${pair#*:}
    [ -n "$mnt" ] && [ -z "$cg_dir" ] || continue
    case "$OSDECK_CGROUP" in
      /*) [ -d "$mnt$OSDECK_CGROUP" ] && cg_dir="$mnt$OSDECK_CGROUP" ;;
      *) cg_dir=$(find "$mnt" -maxdepth 8 -type d -name "*$OSDECK_CGROUP*" 2>/dev/null | head -n 1) ;;
    esac
    [ -n "$cg_dir" ] && cg_ver=$ver && cg_rel=${cg_dir#"$mnt"} && [ -n "$cg_rel" ] || cg_rel=/
  done
fi
sec chosen_cgroup
if [ -n "$cg_dir" ]; then echo "found $cg_ver $cg_rel"; else [ -n "$OSDECK_CGROUP" ] && echo "notfound"; fi
cg_pids() { find "$cg_dir" -name cgroup.procs 2>/dev/null | head -n 5000 | xargs cat 2>/dev/null; }

# Candidate files, as "OPEN_PATH NUL DISPLAY NUL" records: open fds, mapped files, overlay upper dirs,
# extra paths. /proc/PID/fd/N and /proc/PID/root/... open the very file the process sees, even when it is
# deleted or lives in a container's mount namespace.
fd_links() { # $@ pids (empty = all)
  if [ $# -eq 0 ]; then set -- /proc/[0-9]*; else set -- $(for p in "$@"; do echo "/proc/$p"; done); fi
  if find /proc/self/fd -maxdepth 0 -printf '' >/dev/null 2>&1; then
    for d in "$@"; do echo "$d/fd"; done | xargs sh -c 'find "$@" -mindepth 1 -maxdepth 1 -type l -lname "/*" -printf "%p\0%l\0" 2>/dev/null' sh
  else
    n=0
    for d in "$@"; do for f in "$d"/fd/*; do
      n=$((n + 1)); [ $n -gt 50000 ] && break 2
      l=$(readlink "$f" 2>/dev/null) || continue
      case "$l" in /*) printf '%s\0%s\0' "$f" "$l" ;; esac
    done; done
  fi
}
mapped_files() { # $@ pids (empty = all); the kernel escapes newlines in maps, so lines are safe
  if [ $# -eq 0 ]; then set -- /proc/[0-9]*/maps; else set -- $(for p in "$@"; do echo "/proc/$p/maps"; done); fi
  grep -sH ' /' "$@" 2>/dev/null | awk '{ i = index($1, ":"); split(substr($1, 1, i - 1), p, "/"); range = substr($1, i + 1)
         path = $6; for (j = 7; j <= NF; j++) path = path " " $j
         if (path !~ /^\//) next
         if (path ~ / \(deleted\)$/) { key = p[3] " " range; open = "/proc/" p[3] "/map_files/" range } else { key = path; open = "/proc/" p[3] "/root" path }
         if (!(key in seen)) { seen[key] = 1; print open "\t" path } }' | tr '\n\t' '\000\000'
}
walk_files() { # $@ dirs or files
  for p in "$@"; do [ -e "$p" ] && find "$p" -xdev -type f 2>/dev/null; done | head -n "$OSDECK_MAX_FILES" | awk '{ print $0 "\t" $0 }' | tr '\n\t' '\000\000'
}
overlay_uppers() {
  awk '$9 == "overlay" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] ~ /^upperdir=/) print substr(o[i], 10) }' /proc/self/mountinfo 2>/dev/null | sed 's/\\040/ /g' | head -n 200
}
extra_paths() { [ -n "$OSDECK_PATHS" ] && echo "$OSDECK_PATHS" | tr ':' '\n'; }

sec overlay_uppers; overlay_uppers
sec files
{
  fd_links
  mapped_files
  overlay_uppers | while IFS= read -r u; do walk_files "$u"; done
  extra_paths | while IFS= read -r p; do walk_files "$p"; done
} | pagecache_files
if [ -n "$cg_dir" ]; then
  pids=$(cg_pids | head -n 5000 | tr '\n' ' ')
  sec files_cgroup
  {
    [ -n "$pids" ] && fd_links $pids && mapped_files $pids
    overlay_uppers | while IFS= read -r u; do walk_files "$u"; done
    extra_paths | while IFS= read -r p; do walk_files "$p"; done
  } | pagecache_files --cgroup-split
  sec cgroup_inode; stat -c '%i' "$cg_dir" 2>/dev/null
fi

# tmpfs (shmem): per directory count, bytes and size distribution. Containers' own tmpfs mounts
# (their /dev/shm) live in other mount namespaces: reach them through /proc/PID/root of one process each.
container_tmpfs() {
  self=$(readlink /proc/self/ns/mnt 2>/dev/null)
  find /proc/[0-9]*/ns -maxdepth 1 -name mnt -printf '%h %l\n' 2>/dev/null | awk -v self="$self" '$2 != self && !($2 in seen) { seen[$2] = 1; split($1, p, "/"); print p[3] }' | head -n 50 |
  while IFS= read -r pid; do
    awk -v root="/proc/$pid/root" '$9 == "tmpfs" && $5 !~ /^\/(sys|proc)\// && $5 != "/sys" && $5 != "/proc" { print root $5 }' "/proc/$pid/mountinfo" 2>/dev/null
  done
}
sec tmpfs_mounts
tmpfs=$( { awk '$9 == "tmpfs" && $5 !~ /^\/sys\// && $5 !~ /^\/proc\// { print $5 }' /proc/self/mountinfo 2>/dev/null; container_tmpfs; } | sed 's/\\040/ /g' | sort -u | head -n 300)
echo "$tmpfs"
sec tmpfs
echo "$tmpfs" | { while IFS= read -r t; do [ -n "$t" ] && set -- "$@" "$t"; done; [ $# -gt 0 ] && pagecache_tree --top 30 "$@"; }

if [ "$OSDECK_KPAGE" = 1 ] && [ "$(id -u)" = 0 ]; then
  sec kpage; pagecache_kpage
fi
exit 0
