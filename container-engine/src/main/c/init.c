/*
 * isobench-init: the C stage of the isobench engine.
 *
 * Why C: a JVM is multi-threaded, and a clean fork into new namespaces, a new pid namespace's /proc and
 * setns into a mount namespace need a single-threaded process (runc's nsexec exists for the same reason).
 * There is no policy here: Java compiles a ContainerSpec into a Plan of primitive steps; this stage runs
 * them in order and reports the first failure as "step N (what) failed: errno text".
 *
 *   Java (engine)                 monitor (this binary)              container (clone of the monitor)
 *   posix_spawn ------------------> read plan from fd 3   (a spare, launched ahead, waits here)
 *   plan frames ... OP_END -------> stdio opens (a spare's), cgroup/ns/exit fds, setns
 *                                   clone(namespaces) --------------> wait on sync pipe
 *   <--------------------- ST_PID   release sync pipe --------------> "0" into each cgroup file (joins)
 *                                                                     unshare(cgroup), steps in order
 *   <-------------------------------------------------------------- ST_READY  (or ST_ERROR + exit 125)
 *   start(): byte into start fifo --------------------------------> barrier passes, close fds >= 3, exec
 *                                   waitpid(container)  (a detached one's: copying its output to its log, init_log.c)
 *   <-------------------- ST_EXIT   write exit file, exit with the container's code (128+n for a signal)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frames.h"
#include "protocol.h"
#include "stage.h"

static volatile pid_t container_pid;
/* The cgroup files of the plan, opened by the monitor before any setns and inherited by the container's process. */
static int cgroup_fds[MAX_FDS], cgroup_steps[MAX_FDS], ncg;

/* clone3's arguments (Linux 5.3; CLONE_INTO_CGROUP 5.7), spelled out: not every libc's headers have them. */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
#define CLONE_INTO_CGROUP_FLAG 0x200000000ULL
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* The container's process, born in its v2 group where the kernel can: no join by the child, none of the
 * cgroup_mutex a write to cgroup.procs takes on the start path. Where clone3 or CLONE_INTO_CGROUP is missing
 * (ENOSYS, E2BIG, EINVAL), a plain clone and a join through the group's cgroup.procs, as on v1. */
static pid_t clone_container(unsigned long flags, int cgroup_dir, int into_step) {
    if (cgroup_dir >= 0) {
        struct clone3_args args = {.flags = flags | CLONE_INTO_CGROUP_FLAG, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cgroup_dir};
        pid_t pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL)) return pid;
        cgroup_steps[ncg] = into_step;
        cgroup_fds[ncg] = openat(cgroup_dir, "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (cgroup_fds[ncg++] < 0) fail_step(into_step, errno);
    }
    return syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

static _Noreturn void run_container(int syncfd) {
    /* The workload starts as under docker, with no signal ignored: the engine spawns the monitor with default
     * signals and an empty mask, and the one disposition the monitor changes before its clone is SIGPIPE's.
     * First, before a seccomp step could filter the call. */
    signal(SIGPIPE, SIG_DFL);
    char c;
    if (read_full(syncfd, &c, 1) < 0) _exit(EXIT_SETUP_FAILED); /* the monitor failed before releasing us */
    if (console_fd >= 0) { /* a session of its own, with the pty as its controlling terminal */
        for (int fd = 0; fd < 3; fd++)
            if (dup2(console_fd, fd) < 0) { send_error("console: dup2: %s", strerror(errno)); _exit(EXIT_SETUP_FAILED); }
        if (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0) { send_error("console: controlling terminal: %s", strerror(errno)); _exit(EXIT_SETUP_FAILED); }
    }
    /* It joins its cgroups itself: "0" moves the writing thread, and for a thread moving itself recent kernels
     * skip the global threadgroup lock that a pid written by another process takes: several times faster than the
     * monitor writing the pid (kernel 6.18, measured side by side). The files were opened by the monitor, whose
     * credentials the kernel checks. */
    for (int i = 0; i < ncg; i++)
        if (write(cgroup_fds[i], "0", 1) != 1) fail_step(cgroup_steps[i], errno);
    /* Only the status pipe survives: the monitor's cgroup, namespace and exit-dir fds name host objects. */
    syscall(SYS_close_range, PLAN_FD, PLAN_FD, 0);
    syscall(SYS_close_range, STATUS_FD + 1, ~0U, 0);
    if (!handoff) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* a killed monitor takes its container along */
    for (int i = 0; i < nsteps; i++)
        if (run_step(i) < 0) fail_step(i, errno);
    send_error("plan: no exec step");
    _exit(EXIT_SETUP_FAILED);
}

/* Opens a file onto fd 0, 1 or 2, as posix_spawn's file actions do for a monitor launched for its container. */
static int redirect(struct step *s) {
    int fd = open(s->argv[1], (int)num(s->argv[2]) | O_CLOEXEC, (mode_t)num(s->argv[3]));
    if (fd < 0) return -1;
    int r = dup2(fd, (int)num(s->argv[0]));
    int saved = errno;
    close(fd);
    errno = saved;
    return r < 0 ? -1 : 0;
}

static void forward_signal(int sig) {
    if (container_pid > 0) kill(container_pid, sig);
}

/* Writes /proc/PID/{uid,gid}_map of a child cloned into a new user namespace, before it is released. */
static int write_id_maps(pid_t pid, const char *uid_map, const char *gid_map) {
    const char *names[] = {"uid_map", "gid_map"};
    const char *maps[] = {uid_map, gid_map};
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/%s", pid, names[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) return -1;
        ssize_t n = write(fd, maps[i], strlen(maps[i]));
        int saved = errno;
        close(fd);
        if (n != (ssize_t)strlen(maps[i])) { errno = n < 0 ? saved : EIO; return -1; }
    }
    return 0;
}

/* The exit file is written next to the state, so a CLI that did not start the container can read it.
 * No fsync: it would cost milliseconds on every exit, and a crashed host has no container to report on. */
static void write_exit_file(int dirfd, int code, int sig) {
    if (dirfd < 0) return;
    int fd = openat(dirfd, "exit.tmp", O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return;
    dprintf(fd, "%d %d\n", code, sig);
    close(fd);
    renameat(dirfd, "exit.tmp", dirfd, "exit");
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    /* Not dumpable until the workload's execve: no process in the container can open /proc/PID/exe (this
     * host binary) or ptrace the stage while it sets up (the runc /proc/self/exe class). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    syscall(SYS_close_range, STATUS_FD + 1, ~0U, 0);
    read_plan();
    close(PLAN_FD);

    unsigned long flags = 0;
    int ns_fds[MAX_FDS], nns = 0, exit_dir = -1, userns_step = -1, cgroup_dir = -1, into_step = -1;
    /* Everything is opened before any setns: after joining a mount namespace, host paths are gone. */
    for (int i = 0; i < nsteps; i++) {
        struct step *s = &steps[i];
        int fd = 0;
        if (s->op == OP_STDIO && redirect(s) < 0) fail_step(i, errno);
        else if (s->op == OP_CLONE) flags = num(s->argv[0]);
        else if (s->op == OP_SETSID && setsid() < 0) fail_step(i, errno);
        else if (s->op == OP_CGROUP && ncg < MAX_FDS) { cgroup_steps[ncg] = i; fd = cgroup_fds[ncg++] = open(s->argv[0], O_WRONLY | O_CLOEXEC); }
        else if (s->op == OP_CGROUP_INTO) { into_step = i; fd = cgroup_dir = open(s->argv[0], O_DIRECTORY | O_RDONLY | O_CLOEXEC); }
        else if (s->op == OP_SETNS && nns < MAX_FDS) fd = ns_fds[nns++] = open(s->argv[0], O_RDONLY | O_CLOEXEC);
        else if (s->op == OP_EXIT_FILE) fd = exit_dir = open(s->argv[0], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        else if (s->op == OP_USERNS_MAP) userns_step = i;
        else if (s->op == OP_HANDOFF) handoff = 1;
        else if (s->op == OP_CONSOLE && open_console(s->argv[0]) < 0) fail_step(i, errno);
        else if (s->op == OP_LOG && log_open(s->argv[0], (long)num(s->argv[1])) < 0) fail_step(i, errno);
        if (fd < 0) fail_step(i, errno);
    }
    for (int i = 0, k = 0; i < nsteps; i++)
        if (steps[i].op == OP_SETNS && setns(ns_fds[k++], 0) < 0) fail_step(i, errno);

    int sync[2];
    if (pipe2(sync, O_CLOEXEC) < 0) { send_error("monitor: pipe: %s", strerror(errno)); _exit(EXIT_SETUP_FAILED); }
    pid_t pid = clone_container(flags, cgroup_dir, into_step);
    if (pid < 0) { send_error("monitor: clone into new namespaces: %s", strerror(errno)); _exit(EXIT_SETUP_FAILED); }
    if (pid == 0) {
        close(sync[1]);
        run_container(sync[0]);
    }
    close(sync[0]);
    if (log_active()) log_release_writers();
    for (int i = 0; i < ncg; i++) close(cgroup_fds[i]); /* the child joins through its own copies */
    if (cgroup_dir >= 0) close(cgroup_dir);
    container_pid = pid;
    if (userns_step >= 0 && write_id_maps(pid, steps[userns_step].argv[0], steps[userns_step].argv[1]) < 0) {
        send_error("monitor: writing the user namespace map of pid %d: %s", pid, strerror(errno));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        _exit(EXIT_SETUP_FAILED);
    }
    send_number(ST_PID, pid, 0, 1);
    struct sigaction sa = {.sa_handler = forward_signal};
    int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
    if (write(sync[1], "g", 1) != 1) _exit(EXIT_SETUP_FAILED);
    close(sync[1]);
    if (handoff) _exit(0); /* the container is reparented to the caller's subreaper, which reaps it and hears its code */

    int status;
    if (log_active()) {
        if (log_pump(pid, &status) < 0) _exit(EXIT_SETUP_FAILED);
    } else {
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR) _exit(EXIT_SETUP_FAILED);
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    write_exit_file(exit_dir, code, sig);
    send_number(ST_EXIT, code, sig, 2);
    _exit(code);
}
