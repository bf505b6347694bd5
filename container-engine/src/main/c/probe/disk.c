/* Mount and disk timing: a rootfs's mounts as the stage makes them, and direct-I/O writes. */
#define _GNU_SOURCE
#include "probe.h"

/* Runs a rootfs's mount steps ("mount SOURCE TARGET FSTYPE FLAGS DATA" or "chdir DIR", as the engine's stage
 * would) in a private mount namespace of its own, and prints how long they took. The mounts go with the
 * namespace when the probe exits: nothing is left on the host. */
int cmd_mount_time(int argc, char **argv) {
    if (unshare(CLONE_NEWNS) < 0) return fail("unshare", "CLONE_NEWNS");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return fail("mount", "/ private");
    long long t0 = now_ns();
    for (int i = 2; i < argc;) {
        if (!strcmp(argv[i], "mount") && i + 5 < argc) {
            const char *fs = argv[i + 3], *data = argv[i + 5];
            if (mount(argv[i + 1], argv[i + 2], *fs ? fs : NULL, strtoul(argv[i + 4], NULL, 10), *data ? data : NULL) < 0)
                return fail("mount", argv[i + 2]);
            i += 6;
        } else if (!strcmp(argv[i], "chdir") && i + 1 < argc) {
            if (chdir(argv[i + 1]) < 0) return fail("chdir", argv[i + 1]);
            i += 2;
        } else {
            fprintf(stderr, "probe: mount-time: bad step at %s\n", argv[i]);
            return 2;
        }
    }
    printf("mount_ns %lld\n", now_ns() - t0);
    return 0;
}

/* Writes MIB MiB to FILE with O_DIRECT in 1 MiB blocks (what a v1 blkio throttle governs), then fsync;
 * prints bytes and nanoseconds. */
static int dio_write(const char *file, long mib) {
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0644);
    if (fd < 0) return fail("open O_DIRECT", file);
    void *buf;
    if (posix_memalign(&buf, 4096, 1 << 20)) return fail("posix_memalign", file);
    memset(buf, 'x', 1 << 20);
    long long t0 = now_ns();
    for (long i = 0; i < mib; i++) {
        if (write(fd, buf, 1 << 20) != 1 << 20) return fail("write O_DIRECT", file);
    }
    fsync(fd);
    printf("bytes %lld nanos %lld\n", (long long)mib << 20, now_ns() - t0);
    close(fd);
    unlink(file);
    return 0;
}

int cmd_dio_write(int argc, char **argv) { (void)argc; return dio_write(argv[2], atol(argv[3])); }
