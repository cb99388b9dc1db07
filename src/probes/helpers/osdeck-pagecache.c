/*
 * osdeck-pagecache: page-cache attribution helper shipped inside osdeck's memory probe.
 *
 * C99, Linux, no dependencies beyond libc; built by the osdeck server (src/infra/probe-helpers.ts:
 * musl-gcc, else cc; -O2 -static -s -pthread)
 * and sent to a host only when the host's `uname -m` matches the build machine. Read-only: it
 * never writes to files, never evicts cache, and never faults in pages that are not resident.
 *
 *   files [--cgroup-split]   records "OPEN_PATH\0DISPLAY\0" on stdin (OPEN_PATH may be
 *                            /proc/PID/fd/N or /proc/PID/map_files/A-B for deleted files); one F line
 *                            per distinct dev:ino, C lines per memcg with --cgroup-split (root only)
 *   tree [--top N] [--max-files M] [--max-dirs D] DIR...
 *                            walks each DIR on its own filesystem, no symlinks followed: D lines per
 *                            directory (its direct files), T lines for the N largest files
 *   kpage [--sample N] [--threads N] [--with-count]
 *                            /proc/kpageflags + /proc/kpagecgroup scan (root): M lines per memcg
 *                            inode, one G line, P lines mapping memcg inodes to cgroup paths.
 *                            The PFN range is split over up to 4 threads (the kernel's work is the
 *                            cost: 24 GB in ~0.5 s on 2 vCPUs). --with-count also reads kpagecount.
 *   version                  "osdeck-pagecache <version>", to check that a shipped copy runs
 *
 * Output lines are tab-separated; paths escape bytes < 0x20, 0x7f and '\' as \ooo (octal), so a
 * file name cannot break a line or a field. The line formats are parsed by
 * src/domain/diagnosis/memory/pagecache-output.ts; the shell fallbacks in src/probes/lib-pagecache.sh
 * print the same formats.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef unsigned long long u64;

/* ---------------------------------------------------------------- output */

static char obuf[1 << 16];
static size_t olen;

static void oflush(void) {
  size_t off = 0;
  while (off < olen) {
    ssize_t n = write(1, obuf + off, olen - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      _exit(3); /* stdout gone: nobody is listening */
    }
    off += (size_t)n;
  }
  olen = 0;
}

static void ostr_n(const char *s, size_t n) {
  while (n) {
    if (olen == sizeof obuf) oflush();
    size_t k = sizeof obuf - olen;
    if (k > n) k = n;
    memcpy(obuf + olen, s, k);
    olen += k;
    s += k;
    n -= k;
  }
}

static void ostr(const char *s) { ostr_n(s, strlen(s)); }

static void ochar(char c) {
  if (olen == sizeof obuf) oflush();
  obuf[olen++] = c;
}

static void ou64(u64 v) {
  char t[24];
  int i = 23;
  t[i] = 0;
  do {
    t[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  ostr(t + i);
}

/* a path or name with control bytes, DEL and backslash as \ooo */
static void oesc(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char e[4] = {'\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)), (char)('0' + (c & 7))};
      ostr_n(e, 4);
    } else {
      ochar((char)c);
    }
  }
}

static void okv(const char *key, u64 v) {
  ochar('\t');
  ostr(key);
  ochar('=');
  ou64(v);
}

static u64 now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

static void die(const char *msg) {
  oflush();
  ssize_t r = write(2, msg, strlen(msg));
  (void)r;
  _exit(2);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("osdeck-pagecache: out of memory\n");
  return p;
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die("osdeck-pagecache: out of memory\n");
  return p;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = xmalloc(n);
  memcpy(d, s, n);
  return d;
}

static int parse_u64(const char *s, u64 *out) {
  if (!s || !*s) return -1;
  u64 v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > 100000000000000000ULL) return -1;
    v = v * 10 + (u64)(*s - '0');
  }
  *out = v;
  return 0;
}

/* pread the whole range, retrying short reads; returns bytes read (short only at EOF) */
static ssize_t pread_full(int fd, void *buf, size_t n, off_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return got ? (ssize_t)got : -1;
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  return (ssize_t)got;
}

/* ------------------------------------------------- a set / map keyed by u64 */

typedef struct {
  u64 *keys; /* 0 = empty slot; callers never store key 0 (we add 1 where needed) */
  u64 *vals;
  size_t cap, n;
} u64map;

static u64 mix64(u64 x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

static void map_init(u64map *m, size_t cap) {
  m->cap = cap;
  m->n = 0;
  m->keys = calloc(cap, sizeof(u64));
  m->vals = calloc(cap, sizeof(u64));
  if (!m->keys || !m->vals) die("osdeck-pagecache: out of memory\n");
}

static u64 *map_slot(u64map *m, u64 key, int *fresh);

static void map_grow(u64map *m) {
  u64map g;
  map_init(&g, m->cap * 2);
  for (size_t i = 0; i < m->cap; i++)
    if (m->keys[i]) {
      int f;
      *map_slot(&g, m->keys[i], &f) = m->vals[i];
    }
  free(m->keys);
  free(m->vals);
  *m = g;
}

/* the value slot of key (inserting 0 if new; *fresh says so) */
static u64 *map_slot(u64map *m, u64 key, int *fresh) {
  if ((m->n + 1) * 2 > m->cap) map_grow(m);
  size_t i = (size_t)mix64(key) & (m->cap - 1);
  while (m->keys[i]) {
    if (m->keys[i] == key) {
      *fresh = 0;
      return &m->vals[i];
    }
    i = (i + 1) & (m->cap - 1);
  }
  m->keys[i] = key;
  m->n++;
  *fresh = 1;
  return &m->vals[i];
}

/* dev:ino as one key (dev numbers fit 32 bits on every real system; ino keeps its 64) */
static u64 devino_key(dev_t dev, ino_t ino) { return mix64((u64)dev * 0x9e3779b97f4a7c15ULL) ^ (u64)ino ^ 1ULL << 63; }

/* --------------------------------------------------------------- privileges */

/* the mincore trap (mm/mincore.c can_do_mincore): only root with CAP_FOWNER in the initial user
 * namespace gets real residency for every file; everyone else gets "all resident" for files they
 * cannot write. */
static int residency_trusted(void) {
  if (geteuid() != 0) return 0;
  int ok = 0;
  FILE *f = fopen("/proc/self/status", "r");
  if (f) {
    char line[256];
    while (fgets(line, sizeof line, f))
      if (!strncmp(line, "CapEff:", 7)) {
        u64 caps = strtoull(line + 7, NULL, 16);
        ok = (caps >> 3) & 1; /* CAP_FOWNER */
      }
    fclose(f);
  }
  if (!ok) return 0;
  f = fopen("/proc/self/uid_map", "r");
  if (f) {
    unsigned long long a = 1, b = 1, c = 0;
    int n = fscanf(f, "%llu %llu %llu", &a, &b, &c);
    fclose(f);
    if (n != 3 || a != 0 || b != 0 || c != 4294967295ULL) return 0;
  }
  return 1;
}

/* ------------------------------------------------------------- files mode */

#if defined(__NR_cachestat)
#define NR_CACHESTAT __NR_cachestat
#elif defined(__alpha__)
#define NR_CACHESTAT 561
#elif defined(__mips__) || defined(__ia64__)
#define NR_CACHESTAT (-1)
#else
#define NR_CACHESTAT 451 /* the same number on every architecture using the generic table */
#endif

struct cs_range {
  u64 off, len;
};
struct cs_out {
  u64 nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};

#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6

static long page_size;
static int have_cachestat = NR_CACHESTAT >= 0 ? 1 : 0; /* cleared on ENOSYS */
static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig) {
  (void)sig;
  if (bus_armed) siglongjmp(bus_jmp, 1);
  _exit(4);
}

typedef struct {
  int ok; /* 1 when pagemap gives PFNs and kpagecgroup is readable */
  int pagemap, kpagecgroup;
  u64 *pm;  /* pagemap entries of one window */
  u64 *cg;  /* kpagecgroup entries of one run */
  u64 memcg_ino[256], memcg_pages[256];
  int n_memcg;
} split_t;

#define WINDOW (256UL << 20) /* bytes mapped at a time */

static void split_add(split_t *s, u64 ino, u64 pages) {
  for (int i = 0; i < s->n_memcg; i++)
    if (s->memcg_ino[i] == ino) {
      s->memcg_pages[i] += pages;
      return;
    }
  if (s->n_memcg < 256) {
    s->memcg_ino[s->n_memcg] = ino;
    s->memcg_pages[s->n_memcg++] = pages;
  }
}

/* memcg inode of each PFN in pfns[0..n), runs of consecutive PFNs read with one pread */
static void split_pfns(split_t *s, const u64 *pfns, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && j - i < 4096 && pfns[j] == pfns[j - 1] + 1) j++;
    size_t run = j - i;
    ssize_t r = pread_full(s->kpagecgroup, s->cg, run * 8, (off_t)(pfns[i] * 8));
    size_t got = r > 0 ? (size_t)r / 8 : 0;
    for (size_t k = 0; k < run; k++) split_add(s, k < got ? s->cg[k] : 0, 1);
    i = j;
  }
}

/* read one byte of each resident page; -1 if the file shrank under us (SIGBUS) */
static int touch_resident(const char *p, const unsigned char *vec, size_t pages) {
  if (sigsetjmp(bus_jmp, 1)) {
    bus_armed = 0;
    return -1;
  }
  bus_armed = 1;
  volatile const char *vp = p;
  for (size_t i = 0; i < pages; i++)
    if (vec[i] & 1) (void)vp[i * (size_t)page_size];
  bus_armed = 0;
  return 0;
}

/*
 * Residency of one open file. Returns 0 on success with *cached set (bytes); -1 on error.
 * With a split, resident pages are touched through a read-only MADV_RANDOM mapping (a minor
 * fault: they are in the cache already; MADV_RANDOM keeps readahead off and the accesses out of
 * the LRU's recency), then /proc/self/pagemap gives their PFNs and /proc/kpagecgroup the memcg.
 */
static int mincore_file(int fd, u64 size, u64 *cached, split_t *split, unsigned char *vec, u64 *pfnbuf) {
  u64 total = 0;
  for (u64 off = 0; off < size; off += WINDOW) {
    size_t len = (size_t)(size - off < WINDOW ? size - off : WINDOW);
    void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)off);
    if (p == MAP_FAILED) return -1;
    madvise(p, len, MADV_RANDOM);
    size_t pages = (len + (size_t)page_size - 1) / (size_t)page_size;
    if (mincore(p, len, vec) != 0) {
      munmap(p, len);
      return -1;
    }
    size_t res = 0;
    for (size_t i = 0; i < pages; i++) res += vec[i] & 1;
    total += (u64)res * (u64)page_size;
    if (split && res) {
      if (touch_resident(p, vec, pages) != 0) {
        munmap(p, len);
        return -1;
      }
      size_t first = (size_t)((uintptr_t)p / (uintptr_t)page_size);
      ssize_t r = pread_full(split->pagemap, split->pm, pages * 8, (off_t)(first * 8));
      size_t got = r > 0 ? (size_t)r / 8 : 0, np = 0;
      for (size_t i = 0; i < got; i++) {
        u64 e = split->pm[i];
        if ((e >> 63) & 1) {
          u64 pfn = e & ((1ULL << 55) - 1);
          if (pfn) pfnbuf[np++] = pfn;
        }
      }
      split_pfns(split, pfnbuf, np);
    }
    munmap(p, len);
  }
  *cached = total;
  return 0;
}

typedef struct {
  char *buf;
  size_t len, pos;
} input_t;

static void read_all(int fd, input_t *in) {
  size_t cap = 1 << 16;
  in->buf = xmalloc(cap);
  in->len = in->pos = 0;
  for (;;) {
    if (in->len == cap) {
      if (cap >= (512UL << 20)) break; /* bounded: half a gigabyte of names is already absurd */
      cap *= 2;
      in->buf = xrealloc(in->buf, cap);
    }
    ssize_t n = read(fd, in->buf + in->len, cap - in->len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    in->len += (size_t)n;
  }
}

/* next NUL-terminated field, or NULL at the end (a final field without NUL is taken as is) */
static char *next_field(input_t *in) {
  if (in->pos >= in->len) return NULL;
  char *s = in->buf + in->pos;
  char *z = memchr(s, 0, in->len - in->pos);
  if (!z) {
    /* make room for a terminator: the buffer always has len < cap or we grow by one */
    in->buf = xrealloc(in->buf, in->len + 1);
    s = in->buf + in->pos;
    in->buf[in->len] = 0;
    in->pos = in->len + 1;
    return s;
  }
  in->pos = (size_t)(z - in->buf) + 1;
  return s;
}

static u64 fs_magic(int fd, dev_t dev) {
  static dev_t devs[64];
  static u64 magics[64];
  static int n;
  for (int i = 0; i < n; i++)
    if (devs[i] == dev) return magics[i];
  struct statfs sf;
  u64 m = fstatfs(fd, &sf) == 0 ? (u64)(unsigned long)sf.f_type : 0;
  if (n < 64) {
    devs[n] = dev;
    magics[n++] = m;
  }
  return m;
}

static void print_f(u64 cached, u64 size, u64 dev, u64 ino, const char *flags, const char *display) {
  ostr("F\t");
  ou64(cached);
  ochar('\t');
  ou64(size);
  ochar('\t');
  ou64(dev);
  ochar(':');
  ou64(ino);
  ochar('\t');
  ostr(flags);
  ochar('\t');
  oesc(display);
  ochar('\n');
}

static int cmd_files(int argc, char **argv) {
  int want_split = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--cgroup-split")) want_split = 1;
    else die("usage: osdeck-pagecache files [--cgroup-split] < records\n");
  }
  u64 t0 = now_ms();
  page_size = sysconf(_SC_PAGESIZE);
  int trusted = residency_trusted();
  uid_t euid = geteuid();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigbus;
  sigaction(SIGBUS, &sa, NULL);

  split_t split;
  memset(&split, 0, sizeof split);
  const char *split_state = "off";
  if (want_split) {
    split.pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    split.kpagecgroup = open("/proc/kpagecgroup", O_RDONLY | O_CLOEXEC);
    split.ok = split.pagemap >= 0 && split.kpagecgroup >= 0 && euid == 0;
    split_state = split.ok ? "on" : "unavailable";
    if (split.ok) {
      split.pm = xmalloc(WINDOW / 4096 * 8 + 8);
      split.cg = xmalloc(4096 * 8);
    }
  }
  size_t maxpages = WINDOW / (size_t)page_size + 1;
  unsigned char *vec = xmalloc(maxpages);
  u64 *pfnbuf = split.ok ? xmalloc(maxpages * 8) : NULL;
  if (split.ok && WINDOW / 4096 < maxpages) split.pm = xrealloc(split.pm, maxpages * 8);

  input_t in;
  read_all(0, &in);
  u64map seen;
  map_init(&seen, 1 << 12);
  u64 nfiles = 0, total = 0, errors = 0, dups = 0, skipped = 0, used_cachestat = 0, used_mincore = 0;
  for (;;) {
    char *open_path = next_field(&in);
    if (!open_path) break;
    char *display = next_field(&in);
    if (!display || !*display) display = open_path;
    if (!*open_path) continue;
    struct stat st;
    /* stat before open: opening a device or FIFO can have side effects or block */
    if (stat(open_path, &st) != 0) {
      errors++;
      print_f(0, 0, 0, 0, "e", display);
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      skipped++;
      continue;
    }
    int fresh;
    u64 *slot = map_slot(&seen, devino_key(st.st_dev, st.st_ino), &fresh);
    if (!fresh) {
      dups++;
      continue;
    }
    *slot = 1;
    int fd = open(open_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = open(open_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    char flags[8];
    int nf = 0;
    if (st.st_nlink == 0) flags[nf++] = 'd';
    if (fd < 0) {
      errors++;
      flags[nf++] = 'e';
      flags[nf] = 0;
      print_f(0, (u64)st.st_size, (u64)st.st_dev, (u64)st.st_ino, flags, display);
      nfiles++;
      continue;
    }
    struct stat fst;
    if (fstat(fd, &fst) == 0) st = fst; /* the file we really opened */
    u64 magic = fs_magic(fd, st.st_dev);
    if (magic == TMPFS_MAGIC_ || magic == RAMFS_MAGIC_) flags[nf++] = 's';
    /* the trap per file: the kernel tells the truth to the owner and to whoever may write it */
    int file_trusted = trusted || st.st_uid == euid || faccessat(AT_FDCWD, open_path, W_OK, AT_EACCESS) == 0;
    u64 cached = 0;
    int err = 0, known_fake = 0;
    int done = 0;
    if (have_cachestat && !(split.ok)) {
      struct cs_range r = {0, 0};
      struct cs_out cs;
      if (syscall(NR_CACHESTAT, fd, &r, &cs, 0) == 0) {
        cached = cs.nr_cache * (u64)page_size;
        done = 1;
        used_cachestat++;
      } else if (errno == ENOSYS) {
        have_cachestat = 0;
      } else if (errno == EPERM) {
        known_fake = 1; /* same rule as mincore: a mincore answer would be made up */
        done = 1;
      }
    }
    if (!done) {
      if (st.st_size > 0 && mincore_file(fd, (u64)st.st_size, &cached, split.ok && !known_fake ? &split : NULL, vec, pfnbuf) != 0) err = 1;
      used_mincore++;
    }
    close(fd);
    if (known_fake) {
      cached = 0;
      err = 1;
    }
    if (err) {
      errors++;
      flags[nf++] = 'e';
    }
    if (!file_trusted || known_fake) flags[nf++] = 'u';
    flags[nf] = 0;
    print_f(err ? 0 : cached, (u64)st.st_size, (u64)st.st_dev, (u64)st.st_ino, flags, display);
    if (!err) total += cached;
    nfiles++;
    if (split.ok) {
      for (int i = 0; i < split.n_memcg; i++) {
        ostr("C\t");
        ou64(split.memcg_ino[i]);
        ochar('\t');
        ou64(split.memcg_pages[i] * (u64)page_size);
        ochar('\n');
      }
      split.n_memcg = 0;
    }
  }
  ostr("S");
  okv("files", nfiles);
  okv("cached", total);
  ostr(used_cachestat && !used_mincore ? "\tmethod=cachestat" : used_cachestat ? "\tmethod=cachestat+mincore" : "\tmethod=mincore");
  okv("trusted", (u64)trusted);
  okv("errors", errors);
  okv("dups", dups);
  okv("skipped", skipped);
  ostr("\tsplit=");
  ostr(split_state);
  okv("ms", now_ms() - t0);
  ostr("\timpl=binary\n");
  oflush();
  return 0;
}

/* -------------------------------------------------------------- tree mode */

typedef struct {
  char *path;
  u64 files, alloc, apparent, h[6];
  int root;
} dirrec;

typedef struct {
  u64 alloc, size;
  char *path;
} topfile;

static topfile *top;
static size_t top_n, top_cap;

/* a min-heap on alloc keeps the N largest files */
static void top_sift_down(size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < top_n && top[l].alloc < top[m].alloc) m = l;
    if (r < top_n && top[r].alloc < top[m].alloc) m = r;
    if (m == i) return;
    topfile t = top[i];
    top[i] = top[m];
    top[m] = t;
    i = m;
  }
}

static void top_offer(u64 alloc, u64 size, const char *path) {
  if (!top_cap) return;
  if (top_n < top_cap) {
    size_t i = top_n++;
    top[i].alloc = alloc;
    top[i].size = size;
    top[i].path = xstrdup(path);
    while (i && top[(i - 1) / 2].alloc > top[i].alloc) {
      topfile t = top[i];
      top[i] = top[(i - 1) / 2];
      top[(i - 1) / 2] = t;
      i = (i - 1) / 2;
    }
  } else if (alloc > top[0].alloc) {
    free(top[0].path);
    top[0].alloc = alloc;
    top[0].size = size;
    top[0].path = xstrdup(path);
    top_sift_down(0);
  }
}

static int cmp_dir(const void *a, const void *b) {
  const dirrec *x = a, *y = b;
  if (x->alloc != y->alloc) return x->alloc < y->alloc ? 1 : -1;
  if (x->files != y->files) return x->files < y->files ? 1 : -1;
  return strcmp(x->path, y->path);
}

static int cmp_top(const void *a, const void *b) {
  const topfile *x = a, *y = b;
  if (x->alloc != y->alloc) return x->alloc < y->alloc ? 1 : -1;
  return strcmp(x->path, y->path);
}

struct linux_dirent64 {
  u64 d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static int hist_bucket(u64 size) {
  if (size < 4096) return 0;
  if (size < 65536) return 1;
  if (size < 1048576) return 2;
  if (size < 16777216) return 3;
  if (size < 268435456) return 4;
  return 5;
}

static int cmd_tree(int argc, char **argv) {
  u64 topn = 30, max_files = 2000000, max_dirs = 2000;
  int first = 0;
  for (; first < argc; first++) {
    const char *a = argv[first];
    u64 *target = !strcmp(a, "--top") ? &topn : !strcmp(a, "--max-files") ? &max_files : !strcmp(a, "--max-dirs") ? &max_dirs : NULL;
    if (!target) break;
    if (first + 1 >= argc || parse_u64(argv[first + 1], target) != 0) die("usage: osdeck-pagecache tree [--top N] [--max-files M] [--max-dirs D] DIR...\n");
    first++;
  }
  if (first < argc && !strcmp(argv[first], "--")) first++;
  u64 t0 = now_ms();
  if (topn > 100000) topn = 100000;
  top_cap = (size_t)topn;
  top = xmalloc(top_cap * sizeof *top + 1);

  dirrec *dirs = NULL;
  size_t ndirs = 0, capdirs = 0;
  char **stack = NULL; /* directories to visit: path; roots marked by a leading NUL-less flag array */
  dev_t *stack_dev = NULL;
  unsigned char *stack_root = NULL;
  size_t nstack = 0, capstack = 0;
  u64map seen_dirs, seen_links;
  map_init(&seen_dirs, 1 << 10);
  map_init(&seen_links, 1 << 6);
  u64 files = 0, alloc = 0, apparent = 0, errors = 0;
  int truncated = 0;
  char *dbuf = xmalloc(1 << 16);
  size_t pcap = 4096;
  char *pbuf = xmalloc(pcap);

  for (int ai = argc - 1; ai >= first; ai--) { /* pushed in reverse so they are walked in order */
    const char *arg = argv[ai];
    size_t l = strlen(arg);
    while (l > 1 && arg[l - 1] == '/') l--;
    char *p = xmalloc(l + 1);
    memcpy(p, arg, l);
    p[l] = 0;
    if (nstack == capstack) {
      capstack = capstack ? capstack * 2 : 64;
      stack = xrealloc(stack, capstack * sizeof *stack);
      stack_dev = xrealloc(stack_dev, capstack * sizeof *stack_dev);
      stack_root = xrealloc(stack_root, capstack);
    }
    stack[nstack] = p;
    stack_dev[nstack] = 0;
    stack_root[nstack++] = 1;
  }

  while (nstack) {
    nstack--;
    char *path = stack[nstack];
    dev_t want_dev = stack_dev[nstack];
    int is_root = stack_root[nstack];
    /* the named directory itself may be reached through a symlink (/var/run); nothing below it */
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK | (is_root ? 0 : O_NOFOLLOW));
    struct stat dst;
    if (fd < 0 || fstat(fd, &dst) != 0) {
      if (fd >= 0) close(fd);
      errors++;
      free(path);
      continue;
    }
    if (!is_root && dst.st_dev != want_dev) { /* a mount point: another filesystem */
      close(fd);
      free(path);
      continue;
    }
    int fresh;
    u64 *slot = map_slot(&seen_dirs, devino_key(dst.st_dev, dst.st_ino), &fresh);
    if (!fresh) { /* the same directory twice (nested arguments, bind mounts) */
      close(fd);
      free(path);
      continue;
    }
    *slot = 1;
    if (ndirs == capdirs) {
      capdirs = capdirs ? capdirs * 2 : 256;
      dirs = xrealloc(dirs, capdirs * sizeof *dirs);
    }
    dirrec *d = &dirs[ndirs++];
    memset(d, 0, sizeof *d);
    d->path = path;
    d->root = is_root;
    size_t plen = strlen(path);
    for (;;) {
      long n = syscall(SYS_getdents64, fd, dbuf, 1 << 16);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n < 0) errors++;
        break;
      }
      for (long off = 0; off < n;) {
        struct linux_dirent64 *e = (struct linux_dirent64 *)(dbuf + off);
        off += e->d_reclen;
        const char *name = e->d_name;
        if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))) continue;
        unsigned char t = e->d_type;
        if (t != DT_DIR && t != DT_REG && t != DT_UNKNOWN) continue;
        struct stat st;
        int have_st = 0;
        if (t != DT_DIR) {
          if (files >= max_files) {
            truncated = 1;
            continue;
          }
          if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            errors++;
            continue;
          }
          have_st = 1;
        }
        size_t nl = strlen(name);
        if (plen + nl + 2 > pcap) {
          pcap = (plen + nl + 2) * 2;
          pbuf = xrealloc(pbuf, pcap);
        }
        d = &dirs[ndirs - 1];
        if (t == DT_DIR || (have_st && S_ISDIR(st.st_mode))) {
          char *child = xmalloc(plen + nl + 2);
          memcpy(child, path, plen);
          size_t k = plen;
          if (!(plen == 1 && path[0] == '/')) child[k++] = '/';
          memcpy(child + k, name, nl + 1);
          if (nstack == capstack) {
            capstack = capstack * 2;
            stack = xrealloc(stack, capstack * sizeof *stack);
            stack_dev = xrealloc(stack_dev, capstack * sizeof *stack_dev);
            stack_root = xrealloc(stack_root, capstack);
          }
          stack[nstack] = child;
          stack_dev[nstack] = dst.st_dev;
          stack_root[nstack++] = 0;
          continue;
        }
        if (!have_st || !S_ISREG(st.st_mode)) continue;
        if (st.st_nlink > 1) { /* hard links: count the inode once */
          u64 *ls = map_slot(&seen_links, devino_key(st.st_dev, st.st_ino), &fresh);
          if (!fresh) continue;
          *ls = 1;
        }
        u64 a = (u64)st.st_blocks * 512, sz = st.st_size > 0 ? (u64)st.st_size : 0;
        d->files++;
        d->alloc += a;
        d->apparent += sz;
        d->h[hist_bucket(sz)]++;
        files++;
        alloc += a;
        apparent += sz;
        if (top_cap && (top_n < top_cap || a > top[0].alloc)) {
          memcpy(pbuf, path, plen);
          size_t k = plen;
          if (!(plen == 1 && path[0] == '/')) pbuf[k++] = '/';
          memcpy(pbuf + k, name, nl + 1);
          top_offer(a, sz, pbuf);
        }
      }
    }
    close(fd);
  }

  qsort(dirs, ndirs, sizeof *dirs, cmp_dir);
  u64 listed = 0;
  for (size_t i = 0; i < ndirs; i++) {
    dirrec *d = &dirs[i];
    if (!d->root && (d->files == 0 || listed >= max_dirs)) continue;
    listed++;
    ostr("D\t");
    ou64(d->files);
    ochar('\t');
    ou64(d->alloc);
    ochar('\t');
    ou64(d->apparent);
    ochar('\t');
    for (int k = 0; k < 6; k++) {
      if (k) ochar(',');
      ou64(d->h[k]);
    }
    ochar('\t');
    oesc(d->path);
    ochar('\n');
  }
  qsort(top, top_n, sizeof *top, cmp_top);
  for (size_t i = 0; i < top_n; i++) {
    ostr("T\t");
    ou64(top[i].alloc);
    ochar('\t');
    ou64(top[i].size);
    ochar('\t');
    oesc(top[i].path);
    ochar('\n');
  }
  ostr("S");
  okv("files", files);
  okv("dirs", ndirs);
  okv("dirs_listed", listed);
  okv("alloc", alloc);
  okv("apparent", apparent);
  okv("truncated", (u64)truncated);
  okv("errors", errors);
  okv("ms", now_ms() - t0);
  ostr("\timpl=binary\n");
  oflush();
  return 0;
}

/* ------------------------------------------------------------- kpage mode */

/* include/uapi/linux/kernel-page-flags.h; bit 32 is kernel-internal (PG_reserved), as in page-types */
enum {
  KPF_LRU = 5, KPF_ACTIVE = 6, KPF_SLAB = 7, KPF_BUDDY = 10, KPF_MMAP = 11, KPF_ANON = 12,
  KPF_SWAPBACKED = 14, KPF_COMPOUND_HEAD = 15, KPF_COMPOUND_TAIL = 16, KPF_HUGE = 17,
  KPF_UNEVICTABLE = 18, KPF_HWPOISON = 19, KPF_NOPAGE = 20, KPF_OFFLINE = 23, KPF_PGTABLE = 26,
  KPF_RESERVED = 32,
};
#define BIT(n) (1ULL << (n))

enum {
  C_NONE, C_FILE_ACTIVE, C_FILE_INACTIVE, C_ANON, C_SHMEM, C_SLAB, C_PGTABLE, C_HUGETLB, C_OFFLINE,
  C_RESERVED, C_UNTYPED, C_ZEROFLAG, C_OTHER, C_NCLASS
};

/*
 * The class of one page from its flags (reference §1.2). A page with no flag at all is a free
 * buddy tail, a per-cpu free page or an untyped kernel allocation (vmalloc, stacks, drivers):
 * flags alone cannot tell them apart, so they are counted as "zeroflag" and the analyzer subtracts
 * MemFree. "untyped" is the reference's flags == 0 && mapcount > 0 (only with --with-count; on
 * current kernels a mapped page carries KPF_MMAP, so it stays near 0).
 */
static int classify(u64 f, u64 count) {
  if (f & BIT(KPF_HUGE)) return C_HUGETLB;
  if (f & BIT(KPF_OFFLINE)) return C_OFFLINE;
  if (f & BIT(KPF_SLAB)) return C_SLAB;
  if (f & BIT(KPF_PGTABLE)) return C_PGTABLE;
  if (f & BIT(KPF_ANON)) return C_ANON;
  if (f & (BIT(KPF_LRU) | BIT(KPF_UNEVICTABLE))) {
    if (f & BIT(KPF_SWAPBACKED)) return C_SHMEM;
    return (f & BIT(KPF_ACTIVE)) ? C_FILE_ACTIVE : C_FILE_INACTIVE;
  }
  if (f & BIT(KPF_SWAPBACKED)) return C_SHMEM; /* shmem folio between LRU lists */
  if (f & BIT(KPF_RESERVED)) return C_RESERVED;
  if ((f & ~(BIT(KPF_COMPOUND_HEAD) | BIT(KPF_COMPOUND_TAIL))) == 0) return count > 0 ? C_UNTYPED : C_ZEROFLAG;
  return C_OTHER;
}

typedef struct {
  u64 ino;
  u64 pages[C_NCLASS];
} memcg_t;

static int cmp_memcg(const void *a, const void *b) {
  const memcg_t *x = a, *y = b;
  u64 sx = 0, sy = 0;
  for (int i = 1; i < C_NCLASS; i++) {
    sx += x->pages[i];
    sy += y->pages[i];
  }
  if (sx != sy) return sx < sy ? 1 : -1;
  return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape_mountinfo(char *s) {
  char *w = s;
  for (char *r = s; *r;) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 4;
    } else {
      *w++ = *r++;
    }
  }
  *w = 0;
}

static u64 p_lines;

/* every cgroup directory under base: "P ino path version"; rel is the path inside the hierarchy */
static void walk_cgroups(const char *base, const char *prefix, const char *rel, const char *ver, int depth) {
  if (depth > 64 || p_lines >= 200000) return;
  size_t bl = strlen(base), rl = strlen(rel);
  char *full = xmalloc(bl + rl + 2);
  memcpy(full, base, bl);
  memcpy(full + bl, rel, rl + 1);
  struct stat st;
  if (stat(full[0] ? full : "/", &st) != 0) {
    free(full);
    return;
  }
  ostr("P\t");
  ou64((u64)st.st_ino);
  ochar('\t');
  oesc(prefix);
  oesc(rl || *prefix ? rel : "/");
  ochar('\t');
  ostr(ver);
  ochar('\n');
  p_lines++;
  DIR *dir = opendir(full);
  if (dir) {
    struct dirent *e;
    while ((e = readdir(dir))) {
      if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
      size_t nl = strlen(e->d_name);
      char *child = xmalloc(rl + nl + 2);
      memcpy(child, rel, rl);
      child[rl] = '/';
      memcpy(child + rl + 1, e->d_name, nl + 1);
      walk_cgroups(base, prefix, child, ver, depth + 1);
      free(child);
    }
    closedir(dir);
  }
  free(full);
}

static int has_word(const char *list, const char *word) { /* comma-separated */
  size_t wl = strlen(word);
  for (const char *p = list; p && *p;) {
    const char *c = strchr(p, ',');
    size_t l = c ? (size_t)(c - p) : strlen(p);
    if (l == wl && !strncmp(p, word, wl)) return 1;
    p = c ? c + 1 : NULL;
  }
  return 0;
}

static void print_memcg_paths(void) {
  FILE *f = fopen("/proc/self/mountinfo", "r");
  if (!f) return;
  char line[8192];
  dev_t done[16];
  int ndone = 0;
  int partial = 0;
  while (fgets(line, sizeof line, f)) {
    /* a line longer than the buffer (overlay mounts with many layers) is skipped whole */
    int was_partial = partial;
    partial = strchr(line, '\n') == NULL && !feof(f);
    if (was_partial || partial) continue;
    /* id parent major:minor root mountpoint opts [optional...] - fstype source superopts */
    char *fld[8];
    int nf = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \n", &save); t && nf < 5; t = strtok_r(NULL, " \n", &save)) fld[nf++] = t;
    if (nf < 5) continue;
    char *rest = strtok_r(NULL, "\n", &save);
    if (!rest) continue;
    char *dash = strstr(rest, " - ");
    if (!dash && !strncmp(rest, "- ", 2)) dash = rest - 1;
    if (!dash) continue;
    char *save2 = NULL;
    char *fstype = strtok_r(dash + 3, " ", &save2);
    strtok_r(NULL, " ", &save2); /* source */
    char *super = strtok_r(NULL, " \n", &save2);
    if (!fstype || !super) continue;
    const char *ver = NULL;
    char *root = fld[3], *mnt = fld[4];
    unescape_mountinfo(root);
    unescape_mountinfo(mnt);
    if (!strcmp(fstype, "cgroup") && has_word(super, "memory")) ver = "v1";
    else if (!strcmp(fstype, "cgroup2")) {
      /* only when the memory controller is on this hierarchy: inode numbers of different
       * hierarchies may collide */
      char path[4200];
      snprintf(path, sizeof path, "%s/cgroup.controllers", mnt);
      FILE *c = fopen(path, "r");
      char ctl[1024] = "";
      if (c) {
        if (!fgets(ctl, sizeof ctl, c)) ctl[0] = 0;
        fclose(c);
      }
      for (char *t = strtok_r(ctl, " \n", &save2); t; t = strtok_r(NULL, " \n", &save2))
        if (!strcmp(t, "memory")) ver = "v2";
    }
    if (!ver) continue;
    struct stat st;
    if (stat(mnt, &st) != 0) continue;
    int dup = 0;
    for (int i = 0; i < ndone; i++) dup |= done[i] == st.st_dev;
    if (dup || ndone == 16) continue;
    done[ndone++] = st.st_dev;
    /* a mount of a sub-tree (containers) shows paths below its root: keep them hierarchy-relative */
    if (!strcmp(root, "/")) root[0] = 0;
    size_t ml = strlen(mnt);
    char *base = xmalloc(ml + 1);
    memcpy(base, mnt, ml + 1);
    if (ml == 1 && base[0] == '/') base[0] = 0;
    walk_cgroups(base, root, "", ver, 0);
    free(base);
  }
  fclose(f);
}

typedef struct {
  u64 start, end; /* PFN range [start, end), multiples of chunk */
  size_t chunk;
  u64 sample;
  int ff, fc, fg;
  u64 global[C_NCLASS], buddy, nopage, hwpoison, scanned;
  memcg_t *mc;
  size_t nmc, capmc;
  u64map idx;
} kjob;

static memcg_t *kjob_memcg(kjob *j, u64 ino) {
  int fresh;
  u64 *slot = map_slot(&j->idx, ino + 1, &fresh);
  if (fresh) {
    if (j->nmc == j->capmc) {
      j->capmc = j->capmc ? j->capmc * 2 : 64;
      j->mc = xrealloc(j->mc, j->capmc * sizeof *j->mc);
    }
    memset(&j->mc[j->nmc], 0, sizeof *j->mc);
    j->mc[j->nmc].ino = ino;
    *slot = j->nmc++;
  }
  return &j->mc[*slot];
}

static void *kpage_worker(void *arg) {
  kjob *j = arg;
  size_t chunk = j->chunk;
  u64 *flags = xmalloc(chunk * 8), *counts = xmalloc(chunk * 8), *cgs = xmalloc(chunk * 8);
  memset(counts, 0, chunk * 8);
  int head_class = C_NONE;
  u64 head_cg = 0, last_ino = ~0ULL;
  memcg_t *last = NULL;
  for (u64 pfn = j->start; pfn < j->end; pfn += chunk) {
    if (j->sample > 1 && (pfn / chunk) % j->sample) continue;
    off_t off = (off_t)(pfn * 8);
    size_t want = (size_t)(j->end - pfn < chunk ? j->end - pfn : chunk);
    ssize_t r = pread_full(j->ff, flags, want * 8, off);
    if (r <= 0) break;
    size_t n = (size_t)r / 8;
    if (j->fc >= 0 && pread_full(j->fc, counts, n * 8, off) != (ssize_t)(n * 8)) memset(counts, 0, n * 8);
    if (j->fg < 0 || pread_full(j->fg, cgs, n * 8, off) != (ssize_t)(n * 8)) memset(cgs, 0, n * 8);
    j->scanned += n;
    for (size_t i = 0; i < n; i++) {
      u64 f = flags[i];
      if (f & BIT(KPF_NOPAGE)) {
        j->nopage++;
        continue;
      }
      if (f & BIT(KPF_HWPOISON)) j->hwpoison++;
      if (f & BIT(KPF_BUDDY)) {
        j->buddy++;
        head_class = C_NONE;
        continue;
      }
      int c = classify(f, counts[i]);
      u64 cg = cgs[i];
      if (f & BIT(KPF_COMPOUND_TAIL)) {
        /* older kernels give tails none of the folio's flags or memcg: take the head's */
        if (c == C_ZEROFLAG || c == C_UNTYPED || c == C_OTHER) c = head_class;
        if (!cg) cg = head_cg;
      } else {
        head_class = c;
        head_cg = cg;
      }
      if (c == C_NONE) continue;
      j->global[c]++;
      if (c > C_PGTABLE) continue; /* per memcg: LRU classes, slab and page tables only */
      if (cg != last_ino || !last) {
        last = kjob_memcg(j, cg);
        last_ino = cg;
      }
      last->pages[c]++;
    }
    if (n < want) break;
  }
  free(flags);
  free(counts);
  free(cgs);
  return NULL;
}

/* the number of PFNs /proc/kpageflags describes (its size reads as 0): probe with 8-byte preads */
static u64 count_pfns(int fd) {
  u64 one, lo = 0, hi = 1 << 20;
  while (pread_full(fd, &one, 8, (off_t)(hi * 8)) == 8) {
    lo = hi;
    if (hi > (1ULL << 40)) return hi;
    hi *= 2;
  }
  while (hi - lo > 1) { /* lo is readable, hi is not */
    u64 mid = lo + (hi - lo) / 2;
    if (pread_full(fd, &one, 8, (off_t)(mid * 8)) == 8) lo = mid;
    else hi = mid;
  }
  return pread_full(fd, &one, 8, 0) == 8 ? lo + 1 : 0;
}

static int cmd_kpage(int argc, char **argv) {
  u64 sample = 1, threads = 0;
  int with_count = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--sample") && i + 1 < argc && parse_u64(argv[i + 1], &sample) == 0 && sample >= 1) i++;
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc && parse_u64(argv[i + 1], &threads) == 0) i++;
    else if (!strcmp(argv[i], "--with-count")) with_count = 1;
    else die("usage: osdeck-pagecache kpage [--sample N] [--threads N] [--with-count]\n");
  }
  u64 t0 = now_ms();
  long ps = sysconf(_SC_PAGESIZE);
  int ff = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
  if (ff < 0) {
    ostr(errno == EACCES || errno == EPERM ? "S\tunavailable=permission\timpl=binary\n" : "S\tunavailable=no-kpageflags\timpl=binary\n");
    oflush();
    return 0;
  }
  int fc = with_count ? open("/proc/kpagecount", O_RDONLY | O_CLOEXEC) : -1;
  int fg = open("/proc/kpagecgroup", O_RDONLY | O_CLOEXEC);
  /* sampling reads one small block in N: cheaper, and still spread over all of memory */
  const size_t chunk = sample > 1 ? 1024 : 65536;
  u64 pfns = count_pfns(ff);
  /* the cost is the kernel filling the buffers: split the PFN range over the CPUs (at most 4) */
  if (!threads) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus < 1 ? 1 : cpus > 4 ? 4 : (u64)cpus;
  }
  if (threads > 16) threads = 16;
  u64 chunks = (pfns + chunk - 1) / chunk;
  if (threads > chunks) threads = chunks ? chunks : 1;
  kjob jobs[16];
  pthread_t tids[16];
  int started[16] = {0};
  for (u64 t = 0; t < threads; t++) {
    memset(&jobs[t], 0, sizeof jobs[t]);
    jobs[t].start = chunks * t / threads * chunk;
    jobs[t].end = t + 1 == threads ? pfns : chunks * (t + 1) / threads * chunk;
    jobs[t].chunk = chunk;
    jobs[t].sample = sample;
    jobs[t].ff = ff;
    jobs[t].fc = fc;
    jobs[t].fg = fg;
    map_init(&jobs[t].idx, 256);
    if (t > 0) started[t] = pthread_create(&tids[t], NULL, kpage_worker, &jobs[t]) == 0;
  }
  kpage_worker(&jobs[0]);
  for (u64 t = 1; t < threads; t++) {
    if (started[t]) pthread_join(tids[t], NULL);
    else kpage_worker(&jobs[t]);
  }
  /* merge the per-thread tables */
  kjob *all = &jobs[0];
  for (u64 t = 1; t < threads; t++) {
    kjob *j = &jobs[t];
    for (int c = 0; c < C_NCLASS; c++) all->global[c] += j->global[c];
    all->buddy += j->buddy;
    all->nopage += j->nopage;
    all->hwpoison += j->hwpoison;
    all->scanned += j->scanned;
    for (size_t i = 0; i < j->nmc; i++) {
      memcg_t *m = kjob_memcg(all, j->mc[i].ino);
      for (int c = 0; c < C_NCLASS; c++) m->pages[c] += j->mc[i].pages[c];
    }
  }
  u64 mult = (u64)ps * sample;
  qsort(all->mc, all->nmc, sizeof *all->mc, cmp_memcg);
  for (size_t i = 0; i < all->nmc; i++) {
    ostr("M\t");
    ou64(all->mc[i].ino);
    const int cols[] = {C_FILE_ACTIVE, C_FILE_INACTIVE, C_ANON, C_SHMEM, C_SLAB, C_PGTABLE};
    for (int k = 0; k < 6; k++) {
      ochar('\t');
      ou64(all->mc[i].pages[cols[k]] * mult);
    }
    ochar('\n');
  }
  u64 *g = all->global;
  ostr("G");
  okv("file", (g[C_FILE_ACTIVE] + g[C_FILE_INACTIVE]) * mult);
  okv("file_active", g[C_FILE_ACTIVE] * mult);
  okv("file_inactive", g[C_FILE_INACTIVE] * mult);
  okv("anon", g[C_ANON] * mult);
  okv("shmem", g[C_SHMEM] * mult);
  okv("slab", g[C_SLAB] * mult);
  okv("pgtable", g[C_PGTABLE] * mult);
  okv("hugetlb", g[C_HUGETLB] * mult);
  okv("buddy_heads", all->buddy * sample);
  okv("untyped", g[C_UNTYPED] * mult);
  okv("zeroflag", g[C_ZEROFLAG] * mult);
  okv("reserved", g[C_RESERVED] * mult);
  okv("offline", g[C_OFFLINE] * mult);
  okv("other", g[C_OTHER] * mult);
  okv("hwpoison", all->hwpoison * sample);
  okv("nopage", all->nopage * sample);
  okv("pages", pfns);
  okv("page_size", (u64)ps);
  ochar('\n');
  print_memcg_paths();
  ostr("S");
  okv("pfns", pfns);
  okv("scanned", all->scanned);
  okv("ms", now_ms() - t0);
  okv("sample", sample);
  okv("threads", threads);
  okv("kpagecgroup", fg >= 0);
  okv("kpagecount", fc >= 0);
  ostr("\timpl=binary\n");
  oflush();
  return 0;
}

#ifndef OSDECK_PC_VERSION
#define OSDECK_PC_VERSION "dev"
#endif

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_DFL);
  if (argc < 2) die("usage: osdeck-pagecache files|tree|kpage|version ...\n");
  if (!strcmp(argv[1], "version")) {
    ostr("osdeck-pagecache " OSDECK_PC_VERSION "\n");
    oflush();
    return 0;
  }
  if (!strcmp(argv[1], "files")) return cmd_files(argc - 2, argv + 2);
  if (!strcmp(argv[1], "tree")) return cmd_tree(argc - 2, argv + 2);
  if (!strcmp(argv[1], "kpage")) return cmd_kpage(argc - 2, argv + 2);
  die("usage: osdeck-pagecache files|tree|kpage ...\n");
  return 2;
}
