/* Escape checks: attempts a container must not succeed at, each printing "ok" or its errno. */
#define _GNU_SOURCE
#include "probe.h"

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
static int try(const char *what, const char *arg, const char *arg2, const char *arg3) {
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

int cmd_try(int argc, char **argv) { return try(argv[2], argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL); }
