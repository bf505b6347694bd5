/*
 * isobench-inroot ROOT PROGRAM ARGV0 [ARGS...]: PROGRAM, a host binary opened first, run with ROOT as its root
 * directory (ctr cp: /proc/PID/root and a static busybox's tar). Inside, every path resolves as the container's
 * do, its symlinks included: an absolute link or a ".." stays in the container, so what is copied cannot
 * escape it. PROGRAM must be static: after the chroot it finds no host library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int fail(const char *what, const char *arg) {
    fprintf(stderr, "isobench-inroot: %s %s: %s\n", what, arg, strerror(errno));
    return 127;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: isobench-inroot ROOT PROGRAM ARGV0 [ARGS...]\n");
        return 125;
    }
    int program = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (program < 0) return fail("open", argv[2]);
    if (chroot(argv[1]) != 0) return fail("chroot", argv[1]);
    if (chdir("/") != 0) return fail("chdir", "/");
    syscall(SYS_execveat, program, "", argv + 3, environ, AT_EMPTY_PATH);
    return fail("exec", argv[2]);
}
