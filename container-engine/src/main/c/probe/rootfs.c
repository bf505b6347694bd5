/* Rootfs timing: copy-up at the first write, lookups through layers, whole-file reads. */
#define _GNU_SOURCE
#include "probe.h"

/* Times the first write to an existing file: on overlayfs this copies the whole file up from the lower layer. */
static int first_write(const char *path) {
    double start = now_s();
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", path);
    char c = 'x';
    if (pwrite(fd, &c, 1, 0) != 1) return fail("write", path);
    close(fd);
    printf("first_write_ns %.0f\n", (now_s() - start) * 1e9);
    return 0;
}

/* Times N lookups of a path (stat): existing or missing, through however many layers. */
static int lookup(const char *path, long n) {
    struct stat st;
    double start = now_s();
    for (long i = 0; i < n; i++) stat(path, &st);
    printf("ns_per_op %.1f\n", (now_s() - start) * 1e9 / (n ? n : 1));
    return 0;
}

/* Reads FILE whole, REPS times, one "bytes_per_s N" line each. "cold" first drops its cached pages
 * (posix_fadvise DONTNEED: only this file's, and through overlayfs the lower file's), so each read comes from
 * the disk. The buffer is touched first: its page faults (dear on a VM) are not the read's cost. */
static int read_file(const char *path, int cold, long reps) {
    static char buf[1 << 20];
    memset(buf, 0, sizeof buf);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", path);
    for (long r = 0; r < reps; r++) {
        if (cold) {
            fdatasync(fd);
            int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
            if (err) { errno = err; return fail("posix_fadvise", path); }
        }
        long long total = 0;
        double start = now_s();
        for (ssize_t n; (n = pread(fd, buf, sizeof buf, total)) > 0;) total += n;
        double secs = now_s() - start;
        printf("bytes %lld\nbytes_per_s %.0f\n", total, secs > 0 ? total / secs : 0);
    }
    close(fd);
    return 0;
}

int cmd_first_write(int argc, char **argv) { (void)argc; return first_write(argv[2]); }
int cmd_lookup(int argc, char **argv) { return lookup(argv[2], argc > 3 ? atol(argv[3]) : 1000); }
int cmd_read_file(int argc, char **argv) { return read_file(argv[2], argc > 3 && !strcmp(argv[3], "cold"), argc > 4 ? atol(argv[4]) : 1); }
