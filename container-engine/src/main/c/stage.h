/*
 * What the parts of isobench-init share: the plan as read (init_plan.c), the steps' executors (init_steps.c)
 * and the monitor's flow (init.c, where the handshake is drawn).
 */
#ifndef ISOBENCH_STAGE_H
#define ISOBENCH_STAGE_H

#include <stddef.h>
#include <stdint.h>

#define PLAN_MAX (256 * 1024)
#define MAX_STEPS 1024
#define MAX_ARGS 256
#define MAX_FDS 32

/* Compact on purpose: a page fault is dear on a VM host, and every page this stage touches is faulted
 * again (copy-on-write) by the container's first process. */
struct step {
    uint32_t op;
    int argc;
    char **argv; /* NULL-terminated; the strings point into the plan as read */
};

/* The plan (init_plan.c). */
extern struct step steps[MAX_STEPS];
extern int nsteps;
void read_plan(void);
const char *op_name(uint32_t op);

/* Status frames to the Java side (init_plan.c). */
void send_frame(uint32_t op, const char *const *args, int n);
void send_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void send_number(uint32_t op, long a, long b, int n);
_Noreturn void fail_step(int i, int err);
unsigned long num(const char *s);

/* What the steps set up for the container's exec (init_steps.c). */
extern char *env[MAX_ARGS + 1];
extern int nenv;
extern int barrier_fd;
extern int handoff;     /* OP_HANDOFF: no monitor stays behind, so no parent-death signal either */
extern int console_fd;  /* OP_CONSOLE: the pty's other end, made fds 0-2 of the container */
int open_console(const char *socket_path);
/* A detached container's log pump (init_log.c): fds 1-2 into a pipe copied to a file rotated past max bytes. */
int log_open(const char *path, long max);
int log_active(void);
void log_release_writers(void);
int log_pump(pid_t pid, int *status);
/* Runs step i in the container; -1 with errno on failure. The exec step does not return. */
int run_step(int i);

#endif
