/*
 * The monitor as a detached container's log pump (OP_LOG), as conmon is podman's: the container's stdout and
 * stderr are the write end of a pipe; the monitor copies what comes through to the log file and, once the file
 * would pass its size, renames it to FILE.1 (replacing the one before) and starts a new one, so a container that
 * prints forever keeps at most two files' worth on the host. The copying ends when the container's first process
 * has exited and the pipe is drained (or when every writer closed it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stage.h"

static int log_fd = -1, log_pipe = -1;
static long log_max, log_size;
static const char *log_path;

int log_open(const char *path, long max) {
    log_path = path;
    log_max = max;
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0) return -1;
    struct stat st;
    log_size = fstat(log_fd, &st) == 0 ? st.st_size : 0;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) return -1;
    /* dup2 clears close-on-exec: the container inherits the write end as its fds 1 and 2 */
    if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0) return -1;
    close(p[1]);
    log_pipe = p[0];
    return 0;
}

int log_active(void) {
    return log_pipe >= 0;
}

/* After the clone: the monitor's own copies of the write end go, so that the pipe ends when the container's do. */
void log_release_writers(void) {
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) return;
    dup2(null, 1);
    dup2(null, 2);
    close(null);
}

static void rotate(void) {
    char old[PATH_MAX];
    snprintf(old, sizeof old, "%s.1", log_path);
    if (rename(log_path, old) < 0) return; /* keep writing where we are rather than lose output */
    int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return;
    dup2(fd, log_fd);
    close(fd);
    log_size = 0;
}

/* One read from the pipe into the file: the bytes copied, 0 at the pipe's end, -1 when nothing is there now. */
static ssize_t copy_once(void) {
    char buf[65536];
    ssize_t n = read(log_pipe, buf, sizeof buf);
    if (n <= 0) return n == 0 ? 0 : -1;
    if (log_size > 0 && log_size + n > log_max) rotate();
    for (ssize_t done = 0; done < n;) {
        ssize_t w = write(log_fd, buf + done, (size_t)(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break; /* a full disk: the output is lost, the container is not stopped for it */
        done += w;
    }
    log_size += n;
    return n;
}

static void on_child(int sig) {
    (void)sig; /* only to interrupt ppoll */
}

int log_pump(pid_t pid, int *status) {
    struct sigaction sa = {.sa_handler = on_child}; /* no SA_RESTART: a child's exit interrupts the wait below */
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t chld, unblocked;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &unblocked);
    sigdelset(&unblocked, SIGCHLD);
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid) {
            fcntl(log_pipe, F_SETFL, O_NONBLOCK); /* what it wrote before it exited; a descendant may hold the pipe open */
            while (copy_once() > 0) {}
            return 0;
        }
        if (w < 0 && errno != EINTR) return -1;
        struct pollfd p = {log_pipe, POLLIN, 0};
        int r = ppoll(&p, 1, NULL, &unblocked); /* SIGCHLD is let in only while waiting here: no exit is missed */
        if (r > 0 && copy_once() == 0) break;    /* every writer closed the pipe */
    }
    sigprocmask(SIG_SETMASK, &unblocked, NULL);
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR) return -1;
    return 0;
}
