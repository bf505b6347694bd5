/* Workloads: CPU spin, memory, forks and a raw syscall loop. */
#define _GNU_SOURCE
#include "probe.h"

/* Burns CPU in PROCS processes for N seconds of wall time; the first reports the CPU time all received. */
int cmd_spin(int argc, char **argv) {
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

/* Allocates and touches N MiB, one MiB at a time, printing progress so an OOM kill shows how far it got. */
static int alloc_mib(long mib) {
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
static int forks(long n) {
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
static int syscalls(long n) {
    double start = now_s();
    for (long i = 0; i < n; i++) syscall(SYS_getpid);
    printf("ns_per_op %.1f\n", (now_s() - start) * 1e9 / (n ? n : 1));
    return 0;
}

int cmd_true(int argc, char **argv) { (void)argc; (void)argv; return 0; }
int cmd_false(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_exit(int argc, char **argv) { return (int)arg_long(argc, argv, 2, 0); }

int cmd_sleep(int argc, char **argv) {
    struct timespec t = {arg_long(argc, argv, 2, 1), 0};
    nanosleep(&t, NULL);
    return 0;
}

int cmd_kill_self(int argc, char **argv) {
    kill(getpid(), (int)arg_long(argc, argv, 2, SIGKILL));
    pause();
    return 0;
}

int cmd_alloc(int argc, char **argv) { (void)argc; return alloc_mib(atol(argv[2])); }
int cmd_forks(int argc, char **argv) { (void)argc; return forks(atol(argv[2])); }
int cmd_syscalls(int argc, char **argv) { (void)argc; return syscalls(atol(argv[2])); }
