/* isobench-init's plan: read from the plan pipe, and its status frames back (see init.c for the handshake). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frames.h"
#include "protocol.h"
#include "stage.h"

static char plan_buf[PLAN_MAX];
static char *argv_pool[PLAN_MAX + MAX_STEPS]; /* each argument takes at least its NUL */
static size_t argv_used;
struct step steps[MAX_STEPS];
int nsteps;

const char *op_name(uint32_t op) {
    switch (op) {
    case OP_CLONE: return "clone";
    case OP_CGROUP: return "cgroup";
    case OP_CGROUP_INTO: return "cgroup-into";
    case OP_LOG: return "log";
    case OP_SETNS: return "setns";
    case OP_EXIT_FILE: return "exit-file";
    case OP_SETSID: return "setsid";
    case OP_USERNS_MAP: return "userns-map";
    case OP_STDIO: return "stdio";
    case OP_UNSHARE: return "unshare";
    case OP_MOUNT: return "mount";
    case OP_MKDIR: return "mkdir";
    case OP_SYMLINK: return "symlink";
    case OP_TOUCH: return "touch";
    case OP_SETHOSTNAME: return "sethostname";
    case OP_PIVOT_ROOT: return "pivot_root";
    case OP_MASK: return "mask";
    case OP_CHDIR: return "chdir";
    case OP_DROP_BOUNDING: return "drop-bounding";
    case OP_SET_USER: return "set-user";
    case OP_CAPSET: return "capset";
    case OP_NO_NEW_PRIVS: return "no_new_privs";
    case OP_BARRIER: return "barrier";
    case OP_ENV: return "env";
    case OP_IFUP: return "ifup";
    case OP_EXEC: return "exec";
    case OP_SECCOMP: return "seccomp";
    case OP_HANDOFF: return "handoff";
    case OP_CONSOLE: return "console";
    case OP_UMASK: return "umask";
    case OP_RLIMIT: return "rlimit";
    case OP_WRITE: return "write";
    case OP_MKNOD: return "mknod";
    case OP_BIND_CONSOLE: return "bind-console";
    case OP_KEEP_CAPS: return "keep-caps";
    default: return "unknown";
    }
}

/* One frame, one write(2): frames up to PIPE_BUF never interleave between monitor and container. */
void send_frame(uint32_t op, const char *const *args, int n) {
    char buf[FRAME_MAX];
    size_t at = 0;
    while (n > 0 && frame_put(buf, sizeof buf, &at, op, args, n) < 0) n--; /* never happens: send_error cuts first */
    if (n == 0) frame_put(buf, sizeof buf, &at, op, args, 0);
    ssize_t r;
    do r = write(STATUS_FD, buf, at); while (r < 0 && errno == EINTR);
}

/* A message longer than a frame is marked as cut, never cut silently. */
void send_error(const char *fmt, ...) {
    char msg[FRAME_MAX - 64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof msg) strcpy(msg + sizeof msg - 7, "[cut]");
    const char *args[] = {msg};
    send_frame(ST_ERROR, args, 1);
}

void send_number(uint32_t op, long a, long b, int n) {
    char x[24], y[24];
    snprintf(x, sizeof x, "%ld", a);
    snprintf(y, sizeof y, "%ld", b);
    const char *args[] = {x, y};
    send_frame(op, args, n);
}

/* The plan arrives as frames (op, length, NUL-separated arguments) up to an end frame; it is read in as few
 * read calls as the pipe allows and parsed in place. */
void read_plan(void) {
    size_t have = 0, at = 0;
    for (;;) {
        uint32_t hdr[2] = {0, 0};
        for (;;) {
            if (have - at >= sizeof hdr) {
                memcpy(hdr, plan_buf + at, sizeof hdr);
                if (hdr[0] == OP_END) return;
                if (nsteps == MAX_STEPS || hdr[1] > PLAN_MAX - at - sizeof hdr) {
                    send_error("plan: frame %d (op %u, %u bytes) exceeds the stage's limits", nsteps, hdr[0], hdr[1]);
                    _exit(EXIT_SETUP_FAILED);
                }
                if (have - at >= sizeof hdr + hdr[1]) break;
            }
            ssize_t r = read(PLAN_FD, plan_buf + have, PLAN_MAX - have);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) { send_error("plan: truncated before end frame"); _exit(EXIT_SETUP_FAILED); }
            have += r;
        }
        char *p = plan_buf + at + sizeof hdr;
        if (hdr[1] > 0 && p[hdr[1] - 1] != '\0') { send_error("plan: bad frame %d", nsteps); _exit(EXIT_SETUP_FAILED); }
        at += sizeof hdr + hdr[1];
        struct step *s = &steps[nsteps++];
        s->op = hdr[0];
        s->argv = argv_pool + argv_used;
        for (char *q = p; q < p + hdr[1] && s->argc < MAX_ARGS; q += strlen(q) + 1) s->argv[s->argc++] = q;
        s->argv[s->argc] = NULL;
        argv_used += s->argc + 1;
    }
}

_Noreturn void fail_step(int i, int err) {
    struct step *s = &steps[i];
    send_error("step %d (%s %s) failed: %s", i, op_name(s->op), s->argc ? s->argv[0] : "", strerror(err));
    _exit(EXIT_SETUP_FAILED);
}

unsigned long num(const char *s) { return strtoul(s, NULL, 10); }
