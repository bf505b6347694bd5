/*
 * probe: the static workload and checker binary. The same binary runs on the host, in every engine and in
 * every peer, so differences in what it measures come from the environment, not the code.
 * Usage: probe SUBCOMMAND [ARGS]; "probe help" lists them. Output is plain text, one fact a line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/reboot.h>
#include <termios.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int fail(const char *what, const char *arg) {
    fprintf(stderr, "probe: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
    return 1;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long arg_long(int argc, char **argv, int i, long dflt) { return argc > i ? strtol(argv[i], NULL, 10) : dflt; }

/* Burns CPU in PROCS processes for N seconds of wall time; the first reports the CPU time all received. */
static int cmd_spin(int argc, char **argv) {
    double secs = argc > 2 ? strtod(argv[2], NULL) : 1.0, start = now_s();
    long procs = argc > 3 ? atol(argv[3]) : 1;
    int worker = 0;
    for (long i = 1; i < procs && !worker; i++) {
        pid_t p = fork();
        if (p < 0) return fail("fork", NULL);
        if (p == 0) worker = 1;
    }
    volatile unsigned long x = 0;
    unsigned long rounds = 0; /* work done: 100000 additions each, the same code everywhere */
    while (now_s() - start < secs) {
        for (int i = 0; i < 100000; i++) x += i;
        rounds++;
    }
    if (worker) _exit(0);
    while (wait(NULL) > 0) {}
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    double cpu = self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec
                 + (self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
    printf("wall_s %.3f\ncpu_s %.3f\nrounds %lu\n", now_s() - start, cpu, rounds);
    return 0;
}

static int cmd_cat(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", path);
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write(1, buf, n) != n) return fail("write", "stdout");
    close(fd);
    return n < 0 ? fail("read", path) : 0;
}

static int cmd_write(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail("open", path);
    ssize_t n = write(fd, text, strlen(text));
    if (n < 0) return fail("write", path);
    return close(fd) < 0 ? fail("close", path) : 0;
}

static int cmd_ls(const char *path) {
    DIR *d = opendir(path);
    if (!d) return fail("opendir", path);
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf("%s\n", e->d_name);
    closedir(d);
    return 0;
}

/* Lists the processes this pid namespace shows: the numeric entries of /proc. */
static int cmd_ps(void) {
    DIR *d = opendir("/proc");
    if (!d) return fail("opendir", "/proc");
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9') printf("%s\n", e->d_name);
    closedir(d);
    return 0;
}

/* Prints the target of every open fd: what the container inherited. */
static int cmd_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return fail("opendir", "/proc/self/fd");
    int self = dirfd(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == self) continue;
        char link[300], target[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = '\0';
        printf("%s %s\n", e->d_name, target);
    }
    closedir(d);
    return 0;
}

/* Allocates and touches N MiB, one MiB at a time, printing progress so an OOM kill shows how far it got. */
static int cmd_alloc(long mib) {
    for (long i = 0; i < mib; i++) {
        char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return fail("mmap", NULL);
        memset(p, 1, 1 << 20);
        printf("allocated_mib %ld\n", i + 1);
        fflush(stdout);
    }
    return 0;
}

/* Forks N children that wait; prints how many forks succeeded before the first failure, then reaps them. */
static int cmd_forks(long n) {
    pid_t *kids = calloc(n > 0 ? n : 1, sizeof *kids);
    if (!kids) return fail("calloc", NULL);
    long ok = 0;
    for (; ok < n; ok++) {
        pid_t p = fork();
        if (p < 0) break;
        if (p == 0) { pause(); _exit(0); }
        kids[ok] = p;
    }
    printf("forks_ok %ld\n", ok);
    fflush(stdout);
    for (long i = 0; i < ok; i++) kill(kids[i], SIGKILL);
    for (long i = 0; i < ok; i++) waitpid(kids[i], NULL, 0);
    free(kids);
    return 0;
}

/* N getpid syscalls in a tight loop: the floor without JVM or FFI. */
static int cmd_syscalls(long n) {
    double start = now_s();
    for (long i = 0; i < n; i++) syscall(SYS_getpid);
    printf("ns_per_op %.1f\n", (now_s() - start) * 1e9 / (n ? n : 1));
    return 0;
}

static int cmd_stat(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) return fail("stat", path);
    printf("mode %o\nuid %u\ngid %u\nsize %lld\ndev %lu\nino %lu\n", st.st_mode, st.st_uid, st.st_gid,
           (long long)st.st_size, (unsigned long)st.st_dev, (unsigned long)st.st_ino);
    return 0;
}

/* One operation of the syscall suite; returns 0 on success. */
static int op_once(const char *op, int zero, int null, int pp[2], int qq[2]) {
    char c = 0;
    struct stat st;
    if (!strcmp(op, "getpid")) return syscall(SYS_getpid) > 0 ? 0 : -1;
    if (!strcmp(op, "getppid")) return syscall(SYS_getppid) >= 0 ? 0 : -1;
    if (!strcmp(op, "read")) return read(zero, &c, 1) == 1 ? 0 : -1;
    if (!strcmp(op, "write")) return write(null, &c, 1) == 1 ? 0 : -1;
    if (!strcmp(op, "open-close")) { int fd = open("/tmp/.probe/f", O_RDONLY | O_CLOEXEC); return fd < 0 ? -1 : close(fd); }
    if (!strcmp(op, "stat")) return stat("/tmp/.probe/a/b/c/d/e", &st);
    if (!strcmp(op, "mmap")) {
        char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return -1;
        m[0] = 1;
        return munmap(m, 4096);
    }
    if (!strcmp(op, "pipe-pingpong")) return write(pp[1], &c, 1) == 1 && read(qq[0], &c, 1) == 1 ? 0 : -1;
    if (!strcmp(op, "fork")) { pid_t p = fork(); if (p == 0) _exit(0); return p < 0 ? -1 : (waitpid(p, NULL, 0) == p ? 0 : -1); }
    errno = EINVAL;
    return -1;
}

/* Pins the caller to the first (or the last) CPU it may use. A VM's vCPUs can differ: getpid took ~1.0 us on this host's
 * CPU 0 and ~1.2 us on its CPU 1, in three alternations, so the CPU a probe happened to land on decided its
 * number. Every target's probe pins the same way; a filter that refuses the call leaves it unpinned. */
static void pin_cpu(int last) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) < 0) return;
    for (int i = 0; i < CPU_SETSIZE; i++) {
        int c = last ? CPU_SETSIZE - 1 - i : i;
        if (!CPU_ISSET(c, &set)) continue;
        CPU_ZERO(&set);
        CPU_SET(c, &set);
        sched_setaffinity(0, sizeof set, &set);
        return;
    }
}

static void pin_first_cpu(void) { pin_cpu(0); }

/* A TCP server runs on the last CPU it may use and its client on the first, on every path. Left to the
 * scheduler, a loopback round trip here was 18 us with both on CPU 1, 27 us on CPU 0 and 35 us across the
 * two, so where the pair happened to land decided the number (20 to 34 us from run to run). */
static void pin_last_cpu(void) { pin_cpu(1); }

/* What an op needs around its calls: /dev/zero or /dev/null open, two pipes and the echo partner of a
 * ping-pong, the files that stat and open-close find. "what" names the step that failed, for the report. */
struct bench_env { const char *op; int zero, null, pp[2], qq[2]; pid_t echo; const char *what; int err; };

static int bench_open(struct bench_env *e, const char *op) {
    *e = (struct bench_env){op, 0, 0, {-1, -1}, {-1, -1}, -1, "bench", 0};
    e->zero = !strcmp(op, "read") ? open("/dev/zero", O_RDONLY | O_CLOEXEC) : 0;
    e->null = !strcmp(op, "write") ? open("/dev/null", O_WRONLY | O_CLOEXEC) : 0;
    if (e->zero < 0 || e->null < 0) { e->what = "open"; e->err = errno; return -1; }
    if (pipe(e->pp) < 0 || pipe(e->qq) < 0) { e->what = "pipe"; e->err = errno; return -1; }
    if (!strcmp(op, "pipe-pingpong")) {
        e->echo = fork();
        if (e->echo < 0) { e->what = "fork"; e->err = errno; return -1; }
        if (e->echo == 0) {
            close(e->pp[1]);
            close(e->qq[0]);
            char c;
            while (read(e->pp[0], &c, 1) == 1 && write(e->qq[1], &c, 1) == 1) {}
            _exit(0);
        }
    }
    if (!strcmp(op, "stat") || !strcmp(op, "open-close")) {
        mkdir("/tmp/.probe", 0755);
        close(open("/tmp/.probe/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644)); mkdir("/tmp/.probe/a", 0755); mkdir("/tmp/.probe/a/b", 0755);
        mkdir("/tmp/.probe/a/b/c", 0755); mkdir("/tmp/.probe/a/b/c/d", 0755);
        close(open("/tmp/.probe/a/b/c/d/e", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    }
    return 0;
}

static void bench_close(struct bench_env *e) {
    for (int i = 0; i < 2; i++) { if (e->pp[i] >= 0) close(e->pp[i]); if (e->qq[i] >= 0) close(e->qq[i]); }
    if (e->echo > 0) waitpid(e->echo, NULL, 0);
    if (e->zero > 0) close(e->zero);
    if (e->null > 0) close(e->null);
}

/* One batch: ITERS calls of the op; its mean in ns, or -1 when a call failed (e->err says why). *span gets its
 * start and end (CLOCK_MONOTONIC, ns). */
static double bench_batch(struct bench_env *e, long iters, long long span[2]) {
    span[0] = now_ns();
    for (long i = 0; i < iters; i++)
        if (op_once(e->op, e->zero, e->null, e->pp, e->qq) < 0) { e->err = errno; return -1; }
    span[1] = now_ns();
    return (double)(span[1] - span[0]) / iters;
}

static void bench_failed(struct bench_env *e) {
    printf("bench_failed %s %s: %s\n", e->op, e->what, strerror(e->err));
    errno = e->err;
    fail(e->what, e->op);
}

/*
 * Times BATCHES batches of ITERS operations of OP and prints "bench OP", then one line per batch: "ns_per_op N".
 * Batching keeps the clock's own cost out of sub-microsecond operations. The loop (and a ping-pong or fork
 * partner, which inherits it) runs on one CPU, see pin_first_cpu. An op that fails prints "bench_failed OP
 * reason" and the next op still runs.
 */
static int bench_op(const char *op, long batches, long iters) {
    printf("bench %s\n", op);
    struct bench_env e;
    int failed = bench_open(&e, op) < 0;
    /* One untimed batch first: a process's first batch of an op ran up to 45% slower (its pages, caches and
     * branch history are cold, and a fresh process may still be settling onto its pinned CPU). */
    long long span[2];
    if (!failed && bench_batch(&e, iters, span) < 0) failed = 1;
    for (long b = 0; b < batches && !failed; b++) {
        double ns = bench_batch(&e, iters, span);
        if (ns < 0) failed = 1;
        else printf("ns_per_op %.2f\n", ns);
    }
    if (failed) bench_failed(&e);
    fflush(stdout);
    bench_close(&e);
    return failed;
}

/* probe bench OP BATCHES ITERS [OP BATCHES ITERS]...: the ops in order, in one process, so a suite that
 * measures them all pays one container start instead of one per op. Exits 1 when any op failed. */
static int cmd_bench(int argc, char **argv) {
    if (argc < 5 || (argc - 2) % 3) { fputs("usage: probe bench OP BATCHES ITERS [OP BATCHES ITERS]...\n", stderr); return 2; }
    pin_first_cpu();
    int failed = 0;
    for (int i = 2; i + 2 < argc; i += 3) failed |= bench_op(argv[i], atol(argv[i + 1]), atol(argv[i + 2]));
    return failed;
}

static void sleep_until(long long ns) {
    struct timespec t = {ns / 1000000000LL, ns % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR) {}
}

/*
 * probe bench-slots T0 K INDEX OP BATCHES ITERS SLOT_NS [OP BATCHES ITERS SLOT_NS]...: the same batches as bench,
 * taken in turns with K-1 other probes (one per target, all started together) on a shared clock, so that every
 * target's batches fall in the same stretch of time and the machine's drift lands on all of them alike. Run
 * one after another, the probes' getpid means moved 2-7% from process to process in this VM's slow spells;
 * taking turns batch by batch, 0.3-1.2% (CLOCK_MONOTONIC is one clock for every container: none of the
 * engines makes a time namespace).
 *
 * From T0 (CLOCK_MONOTONIC, ns) the ops follow one another; an op has BATCHES + 1 rounds of K slots of SLOT_NS,
 * and in round r this probe takes slot (INDEX + r) % K. Round 0 is the untimed batch ("untimed START END"); a
 * timed one prints "ns_per_op N START END", so the caller can drop a batch that ran while another probe's did
 * (one that overran its slot). A slot already over when the probe gets to it is skipped: each op ends with
 * "bench_late OP N", how many timed ones were. An op's output is written in its last slot, so that no write
 * lands in another probe's.
 */
static int cmd_bench_slots(int argc, char **argv) {
    if (argc < 9 || (argc - 5) % 4) {
        fputs("usage: probe bench-slots T0_NS K INDEX OP BATCHES ITERS SLOT_NS [OP BATCHES ITERS SLOT_NS]...\n", stderr);
        return 2;
    }
    static char out[1 << 20];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    long long t0 = atoll(argv[2]);
    long k = atol(argv[3]), index = atol(argv[4]);
    int ops = (argc - 5) / 4, failed = 0;
    if (k < 1 || index < 0 || index >= k || ops > 32) {
        fputs("probe: bench-slots needs 0 <= INDEX < K and at most 32 ops\n", stderr);
        return 2;
    }
    pin_first_cpu();
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* wake at the slot's start, not up to 50 us after (the default slack) */
    struct bench_env env[32];
    int ready[32];
    for (int j = 0; j < ops; j++) ready[j] = bench_open(&env[j], argv[5 + 4 * j]) == 0;
    long long window = t0;
    for (int j = 0; j < ops; j++) {
        const char *op = argv[5 + 4 * j];
        long batches = atol(argv[6 + 4 * j]), iters = atol(argv[7 + 4 * j]);
        long long slot = atoll(argv[8 + 4 * j]), span[2];
        printf("bench %s\n", op);
        long late = 0;
        int ok = ready[j];
        for (long r = 0; r <= batches && ok; r++) {
            long long start = window + (r * k + (index + r) % k) * slot;
            if (now_ns() >= start + slot) { late += r > 0; continue; }
            sleep_until(start);
            double ns = bench_batch(&env[j], iters, span);
            if (ns < 0) ok = 0;
            else if (r == 0) printf("untimed %lld %lld\n", span[0], span[1]);
            else printf("ns_per_op %.2f %lld %lld\n", ns, span[0], span[1]);
            if (r == batches) fflush(stdout); /* still in its own slot: a probe killed later keeps this op */
        }
        if (!ok) { bench_failed(&env[j]); failed = 1; }
        printf("bench_late %s %ld\n", op, late);
        window += (batches + 1) * k * slot;
    }
    for (int j = 0; j < ops; j++) bench_close(&env[j]);
    fflush(stdout);
    return failed;
}

/* Times the first write to an existing file: on overlayfs this copies the whole file up from the lower layer. */
static int cmd_first_write(const char *path) {
    double start = now_s();
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", path);
    char c = 'x';
    if (pwrite(fd, &c, 1, 0) != 1) return fail("write", path);
    close(fd);
    printf("first_write_ns %.0f\n", (now_s() - start) * 1e9);
    return 0;
}

/* Times N lookups of a path (stat): existing or missing, through however many layers. */
static int cmd_lookup(const char *path, long n) {
    struct stat st;
    double start = now_s();
    for (long i = 0; i < n; i++) stat(path, &st);
    printf("ns_per_op %.1f\n", (now_s() - start) * 1e9 / (n ? n : 1));
    return 0;
}

/* Reads FILE whole, REPS times, one "bytes_per_s N" line each. "cold" first drops its cached pages
 * (posix_fadvise DONTNEED: only this file's, and through overlayfs the lower file's), so each read comes from
 * the disk. The buffer is touched first: its page faults (about 12 us each on a VM) are not the read's cost. */
static int cmd_read_file(const char *path, int cold, long reps) {
    static char buf[1 << 20];
    memset(buf, 0, sizeof buf);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", path);
    for (long r = 0; r < reps; r++) {
        if (cold) {
            fdatasync(fd);
            int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            if (err) { errno = err; return fail("posix_fadvise", path); }
        }
        long long total = 0;
        double start = now_s();
        for (ssize_t n; (n = pread(fd, buf, sizeof buf, total)) > 0;) total += n;
        double secs = now_s() - start;
        printf("bytes %lld\nbytes_per_s %.0f\n", total, secs > 0 ? total / secs : 0);
    }
    close(fd);
    return 0;
}

/* An IPv4 address, or a name looked up in /etc/hosts (a static binary has no NSS to ask). */
static int resolve_host(const char *name, struct in_addr *out) {
    if (inet_pton(AF_INET, name, out) == 1) return 0;
    FILE *f = fopen("/etc/hosts", "re");
    if (!f) return -1;
    char line[512];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        char *save, *addr = strtok_r(line, " \t\n", &save);
        if (!addr || addr[0] == '#') continue;
        for (char *n = strtok_r(NULL, " \t\n", &save); n; n = strtok_r(NULL, " \t\n", &save))
            if (!strcmp(n, name) && inet_pton(AF_INET, addr, out) == 1) { found = 0; break; }
    }
    fclose(f);
    return found;
}

static int tcp_socket_addr(const char *host, const char *port, struct sockaddr_in *sa) {
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)atoi(port));
    if (resolve_host(host, &sa->sin_addr) < 0) { fprintf(stderr, "probe: cannot resolve %s\n", host); return -1; }
    return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* Serves CONNS connections one after another, echoing (rtt) or discarding (stream); alarm bounds it. */
static int tcp_serve(int echo, const char *host, const char *port, long conns, long timeout) {
    struct sockaddr_in sa;
    int ls = tcp_socket_addr(host, port, &sa), one = 1;
    if (ls < 0) return 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 16) < 0) return fail("bind", host);
    pin_last_cpu();
    alarm((unsigned)timeout);
    printf("listening\n");
    fflush(stdout);
    static char buf[1 << 17];
    for (long i = 0; i < conns; i++) {
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) return fail("accept", host);
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        long long total = 0;
        for (ssize_t n; (n = read(c, buf, echo ? 1 : sizeof buf)) > 0;) {
            total += n;
            if (echo && write(c, buf, n) != n) break;
        }
        close(c);
        if (!echo) { printf("received %lld\n", total); fflush(stdout); }
    }
    return 0;
}

/* Connects, retrying for up to 5 s while the server is not listening yet. */
static int tcp_connect(const char *host, const char *port) {
    for (int attempt = 0; attempt < 500; attempt++) {
        struct sockaddr_in sa;
        int s = tcp_socket_addr(host, port, &sa), one = 1;
        if (s < 0) return -1;
        if (connect(s, (struct sockaddr *)&sa, sizeof sa) == 0) {
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return s;
        }
        int err = errno;
        close(s);
        if (err != ECONNREFUSED && err != EHOSTUNREACH && err != ENETUNREACH) { errno = err; return -1; }
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    errno = ECONNREFUSED;
    return -1;
}

/* N one-byte round trips; prints each in nanoseconds. */
static int tcp_ping(const char *host, const char *port, long n) {
    pin_first_cpu();
    int s = tcp_connect(host, port);
    if (s < 0) return fail("connect", host);
    char c = 'x';
    for (long i = 0; i < n; i++) {
        long long t0 = now_ns();
        if (write(s, &c, 1) != 1 || read(s, &c, 1) != 1) return fail("round trip", host);
        printf("%lld\n", now_ns() - t0);
    }
    close(s);
    return 0;
}

/* Streams for SECONDS, then waits until the server has read everything; prints bytes and nanoseconds. */
static int tcp_send(const char *host, const char *port, double seconds) {
    pin_first_cpu();
    int s = tcp_connect(host, port);
    if (s < 0) return fail("connect", host);
    static char buf[1 << 17];
    memset(buf, 'x', sizeof buf);
    long long t0 = now_ns(), end = t0 + (long long)(seconds * 1e9), total = 0;
    while (now_ns() < end) {
        ssize_t n = write(s, buf, sizeof buf);
        if (n <= 0) return fail("write", host);
        total += n;
    }
    shutdown(s, SHUT_WR);
    char c;
    while (read(s, &c, 1) > 0) {}
    printf("bytes %lld nanos %lld\n", total, now_ns() - t0);
    close(s);
    return 0;
}

/* Runs a rootfs's mount steps ("mount SOURCE TARGET FSTYPE FLAGS DATA" or "chdir DIR", as the engine's stage
 * would) in a private mount namespace of its own, and prints how long they took. The mounts go with the
 * namespace when the probe exits: nothing is left on the host. */
static int cmd_mount_time(int argc, char **argv) {
    if (unshare(CLONE_NEWNS) < 0) return fail("unshare", "CLONE_NEWNS");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return fail("mount", "/ private");
    long long t0 = now_ns();
    for (int i = 2; i < argc;) {
        if (!strcmp(argv[i], "mount") && i + 5 < argc) {
            const char *fs = argv[i + 3], *data = argv[i + 5];
            if (mount(argv[i + 1], argv[i + 2], *fs ? fs : NULL, strtoul(argv[i + 4], NULL, 10), *data ? data : NULL) < 0)
                return fail("mount", argv[i + 2]);
            i += 6;
        } else if (!strcmp(argv[i], "chdir") && i + 1 < argc) {
            if (chdir(argv[i + 1]) < 0) return fail("chdir", argv[i + 1]);
            i += 2;
        } else {
            fprintf(stderr, "probe: mount-time: bad step at %s\n", argv[i]);
            return 2;
        }
    }
    printf("mount_ns %lld\n", now_ns() - t0);
    return 0;
}

/* Writes MIB MiB to FILE with O_DIRECT in 1 MiB blocks (what a v1 blkio throttle governs), then fsync;
 * prints bytes and nanoseconds. */
static int dio_write(const char *file, long mib) {
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0644);
    if (fd < 0) return fail("open O_DIRECT", file);
    void *buf;
    if (posix_memalign(&buf, 4096, 1 << 20)) return fail("posix_memalign", file);
    memset(buf, 'x', 1 << 20);
    long long t0 = now_ns();
    for (long i = 0; i < mib; i++) {
        if (write(fd, buf, 1 << 20) != 1 << 20) return fail("write O_DIRECT", file);
    }
    fsync(fd);
    printf("bytes %lld nanos %lld\n", (long long)mib << 20, now_ns() - t0);
    close(fd);
    unlink(file);
    return 0;
}

/* Escapes from outside the root: chroot into a subdir, climb "..", chroot there, then look for PATH. */
static long chroot_out(const char *path) {
    struct stat st;
    if (mkdir("/tmp/.probe-chroot", 0700) < 0 && errno != EEXIST) return -1;
    if (chroot("/tmp/.probe-chroot") < 0) return -1;
    for (int i = 0; i < 64; i++) if (chdir("..") < 0) return -1;
    if (chroot(".") < 0) return -1;
    return stat(path, &st);
}

/* Watches for SECONDS whether /proc/PID/exe of any other process can be opened (the runc /proc/self/exe
 * class): prints how many other processes it saw and which exe links it could open. */
static int exe_watch(long seconds) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long seen = 0, opened = 0;
    char self[16];
    snprintf(self, sizeof self, "%d", getpid());
    do {
        DIR *d = opendir("/proc");
        if (!d) return fail("opendir", "/proc");
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9' || !strcmp(e->d_name, self) || !strcmp(e->d_name, "1")) continue;
            char path[300], target[4096];
            snprintf(path, sizeof path, "/proc/%s/exe", e->d_name);
            seen++;
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                char link[64];
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd); /* what was opened, not what the link said before */
                ssize_t n = readlink(link, target, sizeof target - 1);
                target[n > 0 ? n : 0] = 0;
                if (strcmp(target, "/probe")) { printf("opened %s -> %s\n", path, target); opened++; }
                close(fd);
            }
        }
        closedir(d);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - start.tv_sec < seconds);
    printf("seen %ld opened-foreign %ld\n", seen, opened);
    return 0;
}

/* One attempt at something a container must not do (or may do); prints "ok" or "errno N TEXT". */
static int cmd_try(const char *what, const char *arg, const char *arg2, const char *arg3) {
    long r;
    struct timespec ts;
    if (!strcmp(what, "unshare-user")) r = syscall(SYS_unshare, 0x10000000);
    else if (!strcmp(what, "keyctl")) r = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
    else if (!strcmp(what, "clone-newuts")) {
        r = syscall(SYS_clone, 0x04000000 | SIGCHLD, 0, 0, 0, 0);
        if (r == 0) _exit(0);
        if (r > 0) waitpid(r, NULL, 0);
    } else if (!strcmp(what, "getpid")) r = syscall(SYS_getpid);
    /* Opening for write is the test: nothing is ever written, so a success changes nothing on the host. */
    else if (!strcmp(what, "open-write") && arg) { r = open(arg, O_WRONLY | O_CLOEXEC); if (r >= 0) close(r); }
    else if (!strcmp(what, "mknod-open") && arg && arg2 && arg3) {
        unlink("/tmp/.probe-node");
        r = mknod("/tmp/.probe-node", (*arg == 'c' ? S_IFCHR : S_IFBLK) | 0600, makedev(atoi(arg2), atoi(arg3)));
        if (r == 0) { r = open("/tmp/.probe-node", O_RDONLY | O_CLOEXEC); if (r >= 0) close(r); }
    } else if (!strcmp(what, "mount")) r = mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
    else if (!strcmp(what, "ptrace") && arg) r = ptrace(PTRACE_ATTACH, atoi(arg), 0, 0);
    else if (!strcmp(what, "kill") && arg) r = kill(atoi(arg), 0);
    else if (!strcmp(what, "module")) r = syscall(SYS_finit_module, -1, "", 0);
    else if (!strcmp(what, "settime")) { clock_gettime(CLOCK_REALTIME, &ts); r = clock_settime(CLOCK_REALTIME, &ts); }
    else if (!strcmp(what, "chroot-out") && arg) r = chroot_out(arg);
    else if (!strcmp(what, "open-read") && arg) { r = open(arg, O_RDONLY | O_CLOEXEC); if (r >= 0) close(r); }
    else if (!strcmp(what, "exe-watch")) return exe_watch(arg ? atol(arg) : 1);
    else { fprintf(stderr, "probe: try: unknown call %s\n", what); return 2; }
    if (r < 0) { printf("errno %d %s\n", errno, strerror(errno)); return 1; }
    printf("ok\n");
    return 0;
}

static const char *usage =
    "usage: probe COMMAND [ARGS]\n"
    "  true | false | exit N | sleep SECONDS | spin SECONDS | kill-self SIGNAL\n"
    "  hostname | pid | ppid | id | cwd | env | ps | fds | mounts | status\n"
    "  cat FILE | write FILE TEXT | ls DIR | stat PATH | mkdir PATH | symlink TARGET LINK | mount-tmpfs PATH | chroot DIR\n"
    "  alloc MIB | forks N | syscalls N | echo ARGS...\n"
    "  bench OP BATCHES ITERS [OP BATCHES ITERS]... (OP: getpid getppid read write open-close stat mmap pipe-pingpong fork)\n"
    "  bench-slots T0_NS K INDEX OP BATCHES ITERS SLOT_NS [OP BATCHES ITERS SLOT_NS]... (batches in turns with K-1 other probes)\n"
    "  first-write FILE | lookup PATH N | read-file FILE [cold|warm [REPS]]\n"
    "  try unshare-user|keyctl|clone-newuts|getpid|mount|module|settime | try open-write|open-read|chroot-out PATH\n"
    "  dio-write FILE MIB | mount-time mount SOURCE TARGET FSTYPE FLAGS DATA | chdir DIR ...\n"
    "  tcp-echo serve ADDR PORT CONNS TIMEOUT | tcp-echo ping HOST PORT N\n"
    "  tcp-stream serve ADDR PORT CONNS TIMEOUT | tcp-stream send HOST PORT SECONDS\n"
    "  try mknod-open b|c MAJOR MINOR | try ptrace|kill PID | try exe-watch SECONDS\n";

static int probe_main(int argc, char **argv);

/* CRC-32 (IEEE), as java.util.zip.CRC32 computes it: the frame checksum on the serial console. */
static unsigned crc32(const unsigned char *p, size_t n) {
    unsigned c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1u));
    }
    return ~c;
}

/* Runs one probe command in a child with its output captured; writes it to the console as a frame:
 *   @@ISOBENCH BEGIN index exit length crc32
 *   <length bytes>
 *   @@ISOBENCH END
 * so the host can tell a complete, intact result from kernel noise or a cut-off line. */
static void vm_run(int index, int argc, char **argv) {
    int pipefd[2];
    if (pipe(pipefd) < 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        char *args[64];
        int n = 0;
        args[n++] = "/probe";
        for (int i = 0; i < argc && n < 63; i++) args[n++] = argv[i];
        args[n] = NULL;
        fflush(stdout);
        _exit(probe_main(n, args));
    }
    close(pipefd[1]);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (ssize_t r; (r = read(pipefd[0], buf + len, cap - len)) > 0;) {
        len += r;
        if (len == cap) buf = realloc(buf, cap *= 2);
    }
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("\n@@ISOBENCH BEGIN %d %d %zu %08x\n", index, code, len, crc32((unsigned char *)buf, len));
    fwrite(buf, 1, len, stdout);
    printf("\n@@ISOBENCH END\n");
    fflush(stdout);
    free(buf);
}

/* The probe as a VM's /init: the kernel passes what follows "--" on its command line, one argument per
 * command. Reports the guest's boot time, runs each command as a frame, then resets the machine
 * (QEMU runs with -no-reboot, so a reset ends it). */
static int vm_init(int argc, char **argv) {
    mount("proc", "/proc", "proc", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
    struct termios raw;
    if (tcgetattr(1, &raw) == 0) { /* bytes as written: no \n -> \r\n on the serial line, so lengths and checksums hold */
        raw.c_oflag &= ~OPOST;
        tcsetattr(1, TCSANOW, &raw);
    }
    struct timespec boot;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    printf("\n@@ISOBENCH INIT %lld\n", boot.tv_sec * 1000000000LL + boot.tv_nsec);
    fflush(stdout);
    /* One init argument per command, its words joined by ',' (the kernel passes at most 32 to init). */
    for (int i = 1; i < argc; i++) {
        char *words[64];
        int n = 0;
        for (char *save, *w = strtok_r(argv[i], ",", &save); w && n < 63; w = strtok_r(NULL, ",", &save)) words[n++] = w;
        if (n > 0) vm_run(i - 1, n, words);
    }
    printf("\n@@ISOBENCH DONE\n");
    fflush(stdout);
    sync();
    reboot(RB_AUTOBOOT);
    return 0;
}

int main(int argc, char **argv) {
    if (getpid() == 1 && !strcmp(argv[0], "/init")) return vm_init(argc, argv);
    return probe_main(argc, argv);
}

static int probe_main(int argc, char **argv) {
    if (argc < 2) { fputs(usage, stderr); return 2; }
    const char *c = argv[1], *a = argc > 2 ? argv[2] : NULL, *b = argc > 3 ? argv[3] : "";
    if (!strcmp(c, "true")) return 0;
    if (!strcmp(c, "false")) return 1;
    if (!strcmp(c, "exit")) return (int)arg_long(argc, argv, 2, 0);
    if (!strcmp(c, "sleep")) { struct timespec t = {arg_long(argc, argv, 2, 1), 0}; nanosleep(&t, NULL); return 0; }
    if (!strcmp(c, "spin")) return cmd_spin(argc, argv);
    if (!strcmp(c, "kill-self")) { kill(getpid(), (int)arg_long(argc, argv, 2, SIGKILL)); pause(); return 0; }
    if (!strcmp(c, "hostname")) { char h[256] = ""; gethostname(h, sizeof h - 1); printf("%s\n", h); return 0; }
    if (!strcmp(c, "pid")) { printf("%d\n", getpid()); return 0; }
    if (!strcmp(c, "ppid")) { printf("%d\n", getppid()); return 0; }
    if (!strcmp(c, "id")) { printf("uid %u\ngid %u\neuid %u\n", getuid(), getgid(), geteuid()); return 0; }
    if (!strcmp(c, "cwd")) { char d[4096]; if (!getcwd(d, sizeof d)) return fail("getcwd", NULL); printf("%s\n", d); return 0; }
    if (!strcmp(c, "env")) { for (char **e = environ; *e; e++) printf("%s\n", *e); return 0; }
    if (!strcmp(c, "ps")) return cmd_ps();
    if (!strcmp(c, "fds")) return cmd_fds();
    if (!strcmp(c, "mounts")) return cmd_cat("/proc/self/mountinfo");
    if (!strcmp(c, "status")) return cmd_cat("/proc/self/status");
    if (!strcmp(c, "echo")) { for (int i = 2; i < argc; i++) printf("%s%s", argv[i], i + 1 < argc ? " " : "\n"); return 0; }
    if (a && !strcmp(c, "cat")) return cmd_cat(a);
    if (a && !strcmp(c, "write")) return cmd_write(a, b);
    if (a && !strcmp(c, "ls")) return cmd_ls(a);
    if (a && !strcmp(c, "stat")) return cmd_stat(a);
    if (a && !strcmp(c, "symlink")) return symlink(a, b) < 0 ? fail("symlink", b) : 0;
    if (a && !strcmp(c, "mkdir")) return mkdir(a, 0755) < 0 ? fail("mkdir", a) : 0;
    if (a && !strcmp(c, "mount-tmpfs")) return mount("tmpfs", a, "tmpfs", 0, NULL) < 0 ? fail("mount", a) : 0;
    if (a && !strcmp(c, "chroot")) return chroot(a) < 0 ? fail("chroot", a) : 0;
    if (a && !strcmp(c, "alloc")) return cmd_alloc(atol(a));
    if (a && !strcmp(c, "forks")) return cmd_forks(atol(a));
    if (a && !strcmp(c, "syscalls")) return cmd_syscalls(atol(a));
    if (a && !strcmp(c, "bench")) return cmd_bench(argc, argv);
    if (a && !strcmp(c, "bench-slots")) return cmd_bench_slots(argc, argv);
    if (a && !strcmp(c, "first-write")) return cmd_first_write(a);
    if (a && !strcmp(c, "lookup")) return cmd_lookup(a, argc > 3 ? atol(b) : 1000);
    if (a && !strcmp(c, "read-file")) return cmd_read_file(a, argc > 3 && !strcmp(argv[3], "cold"), argc > 4 ? atol(argv[4]) : 1);
    if (a && argc >= 7 && !strcmp(c, "tcp-echo") && !strcmp(a, "serve")) return tcp_serve(1, argv[3], argv[4], atol(argv[5]), atol(argv[6]));
    if (a && argc >= 7 && !strcmp(c, "tcp-stream") && !strcmp(a, "serve")) return tcp_serve(0, argv[3], argv[4], atol(argv[5]), atol(argv[6]));
    if (a && argc >= 6 && !strcmp(c, "tcp-echo") && !strcmp(a, "ping")) return tcp_ping(argv[3], argv[4], atol(argv[5]));
    if (a && argc >= 6 && !strcmp(c, "tcp-stream") && !strcmp(a, "send")) return tcp_send(argv[3], argv[4], atof(argv[5]));
    if (a && !strcmp(c, "mount-time")) return cmd_mount_time(argc, argv);
    if (a && argc >= 4 && !strcmp(c, "dio-write")) return dio_write(a, atol(argv[3]));
    if (a && !strcmp(c, "try")) return cmd_try(a, argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL);
    fputs(usage, stderr);
    return 2;
}
