/* The syscall suite's loop: batches of one op, alone (bench) or in turns with other probes (bench-slots). */
#define _GNU_SOURCE
#include "probe.h"

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
int cmd_bench(int argc, char **argv) {
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
int cmd_bench_slots(int argc, char **argv) {
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
