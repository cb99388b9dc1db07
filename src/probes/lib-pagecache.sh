# osdeck page-cache library (POSIX sh; put before a probe by ProbeSpec.helpers = ['pagecache']).
#
#   printf '%s\0%s\0' OPEN_PATH DISPLAY_NAME ... | pagecache_files [--cgroup-split]
#   pagecache_tree [--top N] [--max-files M] [--max-dirs D] DIR...
#   pagecache_kpage [--sample N]
#
# Each prints the line formats of src/probes/helpers/osdeck-pagecache.c (parsed by
# src/domain/diagnosis/memory/pagecache-output.ts) and ends with an S line carrying
# impl=binary|fincore|python|find|stat|none. The shipped binary is used when the preamble set
# OSDECK_PAGECACHE_BIN and it runs; otherwise util-linux fincore / python / find + awk stand in.
# The probe script itself arrives on sh's stdin: always pipe records into pagecache_files.
# A probe that installs its own EXIT trap must call pagecache_cleanup itself.
# Set pagecache_timeout=SECONDS to bound each run of the binary (with timeout(1) where present).

pagecache_cleanup() {
  if [ -n "${OSDECK_PAGECACHE_DIR:-}" ]; then rm -rf "$OSDECK_PAGECACHE_DIR"; fi
  OSDECK_PAGECACHE_DIR=
  OSDECK_PAGECACHE_BIN=
}

pagecache__has_bin() {
  [ -n "${OSDECK_PAGECACHE_BIN:-}" ] && [ -x "$OSDECK_PAGECACHE_BIN" ]
}

pagecache__bin() {
  case ${pagecache_timeout:-} in
    ''|*[!0-9]*) "$OSDECK_PAGECACHE_BIN" "$@" ;;
    *) if command -v timeout >/dev/null 2>&1; then timeout -k 2 "$pagecache_timeout" "$OSDECK_PAGECACHE_BIN" "$@"; else "$OSDECK_PAGECACHE_BIN" "$@"; fi ;;
  esac
}

# milliseconds since the epoch, or empty where date has no %N (busybox builds without it)
pagecache__ms() {
  pagecache__t=$(date +%s%N 2>/dev/null)
  case $pagecache__t in *N*|'') echo ;; *) echo $((pagecache__t / 1000000)) ;; esac
}

# 1 when mincore/fincore residency can be trusted for every file: root with CAP_FOWNER in the
# initial user namespace (reference §1.2, the mincore trap); else 0
pagecache__trusted() {
  [ "$(id -u 2>/dev/null)" = 0 ] || { echo 0; return; }
  awk 'FILENAME ~ /status$/ && $1 == "CapEff:" { c = substr($2, length($2), 1); f = index("89abcdefABCDEF", c) > 0 }
       FILENAME ~ /uid_map$/ && FNR == 1 { u = ($1 == "0" && $2 == "0" && $3 == "4294967295") }
       END { print (f && u) ? 1 : 0 }' /proc/self/status /proc/self/uid_map 2>/dev/null || echo 0
}

pagecache_files() {
  pagecache__split=0
  for pagecache__a in "$@"; do [ "$pagecache__a" = --cgroup-split ] && pagecache__split=1; done
  if pagecache__has_bin; then
    pagecache__bin files "$@"
    return 0
  fi
  pagecache__t0=$(pagecache__ms)
  pagecache__tr=$(pagecache__trusted)
  if command -v fincore >/dev/null 2>&1 && command -v od >/dev/null 2>&1 && command -v stat >/dev/null 2>&1; then
    # NUL-separated records are turned into hex by od so awk (any awk) can read names with any byte;
    # awk batches the paths into stat and fincore calls and maps their answers back by name.
    od -An -v -tx1 | LC_ALL=C awk -v trusted="$pagecache__tr" -v euid="$(id -u 2>/dev/null)" -v wantsplit="$pagecache__split" -v t0="$pagecache__t0" '
      function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
      function esc(s,   i, c, o, n) {
        o = ""; n = length(s)
        for (i = 1; i <= n; i++) { c = substr(s, i, 1); o = o ((c in code) ? code[c] : c) }
        return o
      }
      function unx(s,   o, i) { # fincore -r escapes as \xHH
        o = ""
        while ((i = index(s, "\\x")) > 0) { o = o substr(s, 1, i - 1) hexch[tolower(substr(s, i + 2, 2))]; s = substr(s, i + 4) }
        return o s
      }
      function field(b) {
        if (!haveopen) { cur_open = b; haveopen = 1; return }
        haveopen = 0
        add(cur_open, b == "" ? cur_open : b)
      }
      function add(o, d) {
        if (o == "") return
        if (o ~ /[\001-\037\177]/) { printf "F\t0\t0\t0:0\te\t%s\n", esc(d); errors++; return }
        nb++; bo[nb] = o; bd[nb] = d; blen += length(o) + 3
        if (nb >= 256 || blen > 60000) flush()
      }
      function flush(   cmd, line, n, i, a, rest, key, sz, args, nargs, res, fl) {
        if (!nb) return
        args = ""
        for (i = 1; i <= nb; i++) args = args " " q(bo[i])
        split("", st); split("", mag); split("", rs)
        cmd = "stat -L -c \"%d:%i %h %s %u %f %n\" --" args " 2>/dev/null"
        while ((cmd | getline line) > 0) {
          n = split(line, a, " ")
          if (n < 6) continue
          rest = line; for (i = 1; i <= 5; i++) rest = substr(rest, index(rest, " ") + 1)
          st[rest] = a[1] " " a[2] " " a[3] " " a[4] " " a[5]
        }
        close(cmd)
        args = ""; nargs = 0
        for (i = 1; i <= nb; i++) {
          if (!(bo[i] in st)) { printf "F\t0\t0\t0:0\te\t%s\n", esc(bd[i]); errors++; continue }
          split(st[bo[i]], a, " ")
          if (substr(a[5], 1, 1) != "8" || length(a[5]) != 4) { skipped++; bo[i] = ""; continue }
          if (a[1] in seen) { dups++; bo[i] = ""; continue }
          seen[a[1]] = 1
          args = args " " q(bo[i]); nargs++
        }
        if (nargs) {
          cmd = "stat -L -f -c \"%t %n\" --" args " 2>/dev/null"
          while ((cmd | getline line) > 0) { i = index(line, " "); if (i) mag[substr(line, i + 1)] = substr(line, 1, i - 1) }
          close(cmd)
          cmd = "fincore -b -n -r -o RES,SIZE,FILE --" args " 2>/dev/null"
          while ((cmd | getline line) > 0) {
            n = split(line, a, " ")
            if (n >= 3) { key = unx(substr(line, length(a[1]) + length(a[2]) + 3)); rs[key] = a[1] }
          }
          close(cmd)
        }
        for (i = 1; i <= nb; i++) {
          if (bo[i] == "" || !(bo[i] in st)) continue
          split(st[bo[i]], a, " ")
          fl = ""
          if (a[2] == "0") fl = fl "d"
          if (mag[bo[i]] == "1021994" || mag[bo[i]] == "858458f6") fl = fl "s"
          if (bo[i] in rs) { res = rs[bo[i]] + 0; cached += res } else { res = 0; fl = fl "e"; errors++ }
          if (!trusted && a[4] != euid) fl = fl "u"
          printf "F\t%d\t%s\t%s\t%s\t%s\n", res, a[3], a[1], fl, esc(bd[i])
          files++
        }
        nb = 0; blen = 0
      }
      BEGIN {
        hx = "0123456789abcdef"
        for (i = 1; i < 256; i++) {
          c = sprintf("%c", i); h = substr(hx, int(i / 16) + 1, 1) substr(hx, i % 16 + 1, 1)
          hexch[h] = c; byte[h] = c
          if (i < 32 || i == 127 || i == 92) code[c] = sprintf("\\%03o", i)
        }
        buf = ""; haveopen = 0; nb = 0; blen = 0
      }
      { for (i = 1; i <= NF; i++) { if ($i == "00") { field(buf); buf = "" } else if (length(buf) < 8192) buf = buf byte[$i] } }
      END {
        if (buf != "") field(buf)
        if (haveopen) add(cur_open, cur_open)
        flush()
        ms = ""
        if (t0 != "") { "date +%s%N" | getline now; close("date +%s%N"); if (now !~ /N/) ms = int(now / 1000000) - t0 }
        printf "S\tfiles=%d\tcached=%.0f\tmethod=mincore\ttrusted=%d\terrors=%d\tdups=%d\tskipped=%d\tsplit=%s\tms=%s\timpl=fincore\n", files, cached, trusted, errors, dups, skipped, wantsplit ? "unavailable" : "off", ms
      }'
    return 0
  fi
  for pagecache__py in python3 python python2; do
    command -v "$pagecache__py" >/dev/null 2>&1 || continue
    "$pagecache__py" -c "$PAGECACHE__PY" "$pagecache__tr" "$pagecache__split"
    return 0
  done
  cat >/dev/null
  printf 'S\tunavailable=no-tool\timpl=none\n'
  return 0
}

# files mode in Python 2.6+/3 (no fincore, e.g. CentOS 7 with util-linux 2.23): mmap + mincore via ctypes
PAGECACHE__PY='
import os, sys, stat, time, ctypes, ctypes.util
t0 = time.time()
trusted = sys.argv[1] == "1"; want_split = sys.argv[2] == "1"
libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
PS = os.sysconf("SC_PAGE_SIZE"); WIN = 256 << 20
out = getattr(sys.stdout, "buffer", sys.stdout)
def esc(b):
    return b"".join([(b"\\%03o" % c) if (c < 32 or c == 127 or c == 92) else bytes(bytearray([c])) for c in bytearray(b)])
def resident(fd, size):
    tot = 0; off = 0
    vec = ctypes.create_string_buffer(WIN // PS + 1)
    while off < size:
        ln = min(WIN, size - off)
        p = libc.mmap(None, ln, 1, 1, fd, off)
        if p is None or p == ctypes.c_void_p(-1).value: return None
        libc.madvise(p, ln, 1)
        n = (ln + PS - 1) // PS
        if libc.mincore(p, ln, vec) != 0: libc.munmap(p, ln); return None
        tot += (n - vec.raw[:n].count(b"\0")) * PS
        libc.munmap(p, ln); off += ln
    return tot
data = getattr(sys.stdin, "buffer", sys.stdin).read().split(b"\0")
fstype = {}
try:
    for ln in open("/proc/self/mountinfo"):
        f = ln.split(" - ")
        if len(f) < 2: continue
        mm = f[0].split()[2].split(":")
        fstype[(int(mm[0]), int(mm[1]))] = f[1].split()[0]
except (OSError, IOError, ValueError, IndexError): pass
seen = {}; files = cached = errors = dups = skipped = 0; euid = os.geteuid()
for i in range(0, len(data) - 1, 2):
    op, disp = data[i], data[i + 1] or data[i]
    if not op: continue
    try: st = os.stat(op)
    except OSError:
        errors += 1; out.write(b"F\t0\t0\t0:0\te\t" + esc(disp) + b"\n"); continue
    if not stat.S_ISREG(st.st_mode): skipped += 1; continue
    key = (st.st_dev, st.st_ino)
    if key in seen: dups += 1; continue
    seen[key] = 1
    fl = b"d" if st.st_nlink == 0 else b""
    if fstype.get((os.major(st.st_dev), os.minor(st.st_dev))) in ("tmpfs", "ramfs"): fl += b"s"
    try:
        fd = os.open(op, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            res = resident(fd, st.st_size) if st.st_size > 0 else 0
        finally: os.close(fd)
    except OSError: res = None
    if res is None: errors += 1; fl += b"e"; res = 0
    if not trusted and st.st_uid != euid and not os.access(op, os.W_OK): fl += b"u"
    cached += res; files += 1
    out.write(("F\t%d\t%d\t%d:%d\t" % (res, st.st_size, st.st_dev, st.st_ino)).encode() + fl + b"\t" + esc(disp) + b"\n")
out.write(("S\tfiles=%d\tcached=%d\tmethod=mincore\ttrusted=%d\terrors=%d\tdups=%d\tskipped=%d\tsplit=%s\tms=%d\timpl=python\n" % (files, cached, trusted, errors, dups, skipped, "unavailable" if want_split else "off", (time.time() - t0) * 1000)).encode())
'

pagecache_tree() {
  if pagecache__has_bin; then
    pagecache__bin tree "$@"
    return 0
  fi
  pagecache__top=30 pagecache__maxf=2000000 pagecache__maxd=2000
  while [ $# -gt 0 ]; do
    case $1 in
      --top) pagecache__top=$2; shift 2 ;;
      --max-files) pagecache__maxf=$2; shift 2 ;;
      --max-dirs) pagecache__maxd=$2; shift 2 ;;
      --) shift; break ;;
      *) break ;;
    esac
  done
  case "$pagecache__top$pagecache__maxf$pagecache__maxd" in *[!0-9]*|'') printf 'S\tunavailable=bad-arguments\timpl=none\n'; return 0 ;; esac
  pagecache__t0=$(pagecache__ms)
  if find /dev/null -maxdepth 0 -printf '' >/dev/null 2>&1; then
    pagecache__impl=find
  elif command -v stat >/dev/null 2>&1; then
    pagecache__impl=stat
  else
    printf 'S\tunavailable=no-tool\timpl=none\n'
    return 0
  fi
  pagecache__tab=$(printf '\t')
  # one line per file: "F alloc size nlink dev:ino path", directories "R|d path"; paths holding a
  # control byte are counted without their name (they could break lines)
  for pagecache__d in "$@"; do
    pagecache__d=$(printf '%s' "$pagecache__d" | sed 's#//*$##')
    [ -z "$pagecache__d" ] && pagecache__d=/
    printf 'R %s\n' "$pagecache__d"
    if [ "$pagecache__impl" = find ]; then
      find -H "$pagecache__d" -xdev \( -path '*[[:cntrl:]]*' -type f -printf 'X %b %s %n %D:%i\n' \) -o -path '*[[:cntrl:]]*' -o \
        \( -type f -printf 'F %b %s %n %D:%i %p\n' \) -o \( -type d -printf 'd %p\n' \) 2>/dev/null
    else
      find "$pagecache__d" -xdev -type d 2>/dev/null | sed 's/^/d /'
      find "$pagecache__d" -xdev -type f -exec stat -c 'F %b %s %h %d:%i %n' {} + 2>/dev/null
    fi
  done | LC_ALL=C awk -v top="$pagecache__top" -v maxf="$pagecache__maxf" -v maxd="$pagecache__maxd" -v t0="$pagecache__t0" -v impl="$pagecache__impl" '
    function esc(s,   i, c, o, n) { o = ""; n = length(s); for (i = 1; i <= n; i++) { c = substr(s, i, 1); o = o ((c in code) ? code[c] : c) }; return o }
    function bucket(s) { return s < 4096 ? 0 : s < 65536 ? 1 : s < 1048576 ? 2 : s < 16777216 ? 3 : s < 268435456 ? 4 : 5 }
    function account(dir, a, s, path,   b, i, mi) {
      if (files >= maxf) { truncated = 1; return }
      files++; alloc += a; apparent += s
      dfiles[dir]++; dalloc[dir] += a; dapp[dir] += s; b = bucket(s); dh[dir, b]++
      if (top <= 0) return
      if (nt < top) { nt++; ta[nt] = a; ts[nt] = s; tp[nt] = path; return }
      mi = 1; for (i = 2; i <= nt; i++) if (ta[i] < ta[mi]) mi = i
      if (a > ta[mi]) { ta[mi] = a; ts[mi] = s; tp[mi] = path }
    }
    BEGIN { for (i = 1; i < 256; i++) if (i < 32 || i == 127 || i == 92) code[sprintf("%c", i)] = sprintf("\\%03o", i) }
    $1 == "R" { root = substr($0, 3); isroot[root] = 1; if (!(root in seendir)) { seendir[root] = 1; ndirs++ }; next }
    $1 == "d" { p = substr($0, 3); if (!(p in seendir)) { seendir[p] = 1; ndirs++ }; next }
    $1 == "F" || $1 == "X" {
      a = $2 * 512; s = $3 + 0
      if ($4 + 0 > 1) { if ($5 in links) next; links[$5] = 1 }
      if ($1 == "X") { account(root, a, s, root "/?"); next }
      p = $0; for (i = 1; i <= 5; i++) p = substr(p, index(p, " ") + 1)
      d = p; sub("/[^/]*$", "", d); if (d == "") d = "/"
      account(d, a, s, p); next
    }
    END {
      for (r in isroot) if (!(r in dfiles)) { dfiles[r] = 0; dalloc[r] = 0; dapp[r] = 0 }
      sortcmd = "sort -t \"\t\" -k3,3nr -k2,2nr | head -n " (maxd + 0 > 0 ? maxd : 1)
      listed = 0
      for (d in dfiles) {
        if (d in isroot) continue
        listed++
        printf "D\t%d\t%.0f\t%.0f\t%d,%d,%d,%d,%d,%d\t%s\n", dfiles[d], dalloc[d], dapp[d], dh[d,0], dh[d,1], dh[d,2], dh[d,3], dh[d,4], dh[d,5], esc(d) | sortcmd
      }
      close(sortcmd)
      for (d in isroot) printf "D\t%d\t%.0f\t%.0f\t%d,%d,%d,%d,%d,%d\t%s\n", dfiles[d], dalloc[d], dapp[d], dh[d,0], dh[d,1], dh[d,2], dh[d,3], dh[d,4], dh[d,5], esc(d)
      for (i = 1; i <= nt; i++) for (j = i + 1; j <= nt; j++) if (ta[j] > ta[i]) { x = ta[i]; ta[i] = ta[j]; ta[j] = x; x = ts[i]; ts[i] = ts[j]; ts[j] = x; x = tp[i]; tp[i] = tp[j]; tp[j] = x }
      for (i = 1; i <= nt; i++) printf "T\t%.0f\t%.0f\t%s\n", ta[i], ts[i], esc(tp[i])
      if (listed > maxd) listed = maxd
      for (r in isroot) listed++
      ms = ""
      if (t0 != "") { "date +%s%N" | getline now; close("date +%s%N"); if (now !~ /N/) ms = int(now / 1000000) - t0 }
      printf "S\tfiles=%d\tdirs=%d\tdirs_listed=%d\talloc=%.0f\tapparent=%.0f\ttruncated=%d\terrors=0\tms=%s\timpl=%s\n", files, ndirs, listed, alloc, apparent, truncated, ms, impl
    }'
  return 0
}

pagecache_kpage() {
  if pagecache__has_bin; then
    pagecache__bin kpage "$@"
    return 0
  fi
  if [ "$(id -u 2>/dev/null)" != 0 ]; then
    printf 'S\tunavailable=not-root\timpl=none\n'
  elif [ ! -r /proc/kpageflags ]; then
    printf 'S\tunavailable=no-kpageflags\timpl=none\n'
  else
    printf 'S\tunavailable=no-helper\timpl=none\n'
  fi
  return 0
}
