/*
 * isobench-floor ROOTFS PROGRAM [ARGS...]: the least a container start must do, and nothing else.
 *
 * New pid, mount, uts, ipc, net and cgroup namespaces in one clone; in the child: the mounts made private, the
 * prepared root bound onto itself (pivot_root wants a mount point), pivot_root into it, the old root detached,
 * /proc mounted, the exec. The parent waits and exits with the child's code (128+n for a signal). No cgroup, no
 * rootfs made, no seccomp, no capabilities dropped, no devices: the startup suite's `floor` target, the kernel's
 * share of any runtime's start, against which each runtime's distance is measured (ratio_vs_floor).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAMESPACES (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)

static int fail(const char *what, const char *arg) {
    fprintf(stderr, "isobench-floor: %s %s: %s\n", what, arg, strerror(errno));
    return 127;
}

static int child(char *root, char **argv) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return fail("make private", "/");
    if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) != 0) return fail("bind", root);
    if (chdir(root) != 0) return fail("chdir", root);
    if (syscall(SYS_pivot_root, ".", ".") != 0) return fail("pivot_root", root);
    if (umount2(".", MNT_DETACH) != 0) return fail("detach the old root", "");
    if (chdir("/") != 0) return fail("chdir", "/");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) return fail("mount", "/proc");
    execv(argv[0], argv);
    return fail("exec", argv[0]);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: isobench-floor ROOTFS PROGRAM [ARGS...]\n");
        return 125;
    }
    pid_t pid = (pid_t) syscall(SYS_clone, NAMESPACES | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) return fail("clone", "into new namespaces");
    if (pid == 0) _exit(child(argv[1], argv + 2));
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return fail("wait for", argv[2]);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
