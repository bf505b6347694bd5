/* What every probe command shares: errors, clocks, argument parsing and CPU pinning. */
#define _GNU_SOURCE
#include "probe.h"

int fail(const char *what, const char *arg) {
    fprintf(stderr, "probe: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
    return 1;
}

double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long arg_long(int argc, char **argv, int i, long dflt) { return argc > i ? strtol(argv[i], NULL, 10) : dflt; }

/* Pins the caller to the first (or the last) CPU it may use. A VM's vCPUs can differ by a fifth in what a
 * getpid costs, so the CPU a probe happened to land on would decide its number. Every target's probe pins the
 * same way; a filter that refuses the call leaves it unpinned. */
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

void pin_first_cpu(void) { pin_cpu(0); }

/* A TCP server runs on the last CPU it may use and its client on the first, on every path. Left to the
 * scheduler, where the pair happened to land (one CPU or across two) decided a round trip's number
 * (docs/measurements.md). */
void pin_last_cpu(void) { pin_cpu(1); }
