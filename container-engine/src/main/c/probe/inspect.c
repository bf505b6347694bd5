/* Inspection: what a process sees of its files, processes and descriptors. */
#define _GNU_SOURCE
#include "probe.h"

static int cat(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", path);
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write(1, buf, n) != n) return fail("write", "stdout");
    close(fd);
    return n < 0 ? fail("read", path) : 0;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail("open", path);
    ssize_t n = write(fd, text, strlen(text));
    if (n < 0) return fail("write", path);
    return close(fd) < 0 ? fail("close", path) : 0;
}

static int ls(const char *path) {
    DIR *d = opendir(path);
    if (!d) return fail("opendir", path);
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf("%s\n", e->d_name);
    closedir(d);
    return 0;
}

/* Lists the processes this pid namespace shows: the numeric entries of /proc. */
int cmd_ps(int argc, char **argv) {
    (void)argc; (void)argv;
    DIR *d = opendir("/proc");
    if (!d) return fail("opendir", "/proc");
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9') printf("%s\n", e->d_name);
    closedir(d);
    return 0;
}

/* Prints the target of every open fd: what the container inherited. */
int cmd_fds(int argc, char **argv) {
    (void)argc; (void)argv;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return fail("opendir", "/proc/self/fd");
    int self = dirfd(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == self) continue;
        char link[300], target[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = '\0';
        printf("%s %s\n", e->d_name, target);
    }
    closedir(d);
    return 0;
}

static int stat_path(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) return fail("stat", path);
    printf("mode %o\nuid %u\ngid %u\nsize %lld\ndev %lu\nino %lu\n", st.st_mode, st.st_uid, st.st_gid,
           (long long)st.st_size, (unsigned long)st.st_dev, (unsigned long)st.st_ino);
    return 0;
}

int cmd_cat(int argc, char **argv) { (void)argc; return cat(argv[2]); }
int cmd_write(int argc, char **argv) { return write_file(argv[2], argc > 3 ? argv[3] : ""); }
int cmd_ls(int argc, char **argv) { (void)argc; return ls(argv[2]); }
int cmd_stat(int argc, char **argv) { (void)argc; return stat_path(argv[2]); }
int cmd_mounts(int argc, char **argv) { (void)argc; (void)argv; return cat("/proc/self/mountinfo"); }
int cmd_status(int argc, char **argv) { (void)argc; (void)argv; return cat("/proc/self/status"); }
int cmd_symlink(int argc, char **argv) { const char *link = argc > 3 ? argv[3] : ""; return symlink(argv[2], link) < 0 ? fail("symlink", link) : 0; }
int cmd_mkdir(int argc, char **argv) { (void)argc; return mkdir(argv[2], 0755) < 0 ? fail("mkdir", argv[2]) : 0; }
int cmd_mount_tmpfs(int argc, char **argv) { (void)argc; return mount("tmpfs", argv[2], "tmpfs", 0, NULL) < 0 ? fail("mount", argv[2]) : 0; }
int cmd_chroot(int argc, char **argv) { (void)argc; return chroot(argv[2]) < 0 ? fail("chroot", argv[2]) : 0; }

int cmd_hostname(int argc, char **argv) {
    (void)argc; (void)argv;
    char h[256] = "";
    gethostname(h, sizeof h - 1);
    printf("%s\n", h);
    return 0;
}

int cmd_pid(int argc, char **argv) { (void)argc; (void)argv; printf("%d\n", getpid()); return 0; }
int cmd_ppid(int argc, char **argv) { (void)argc; (void)argv; printf("%d\n", getppid()); return 0; }
int cmd_id(int argc, char **argv) { (void)argc; (void)argv; printf("uid %u\ngid %u\neuid %u\n", getuid(), getgid(), geteuid()); return 0; }

int cmd_cwd(int argc, char **argv) {
    (void)argc; (void)argv;
    char d[4096];
    if (!getcwd(d, sizeof d)) return fail("getcwd", NULL);
    printf("%s\n", d);
    return 0;
}

int cmd_env(int argc, char **argv) {
    (void)argc; (void)argv;
    for (char **e = environ; *e; e++) printf("%s\n", *e);
    return 0;
}

int cmd_echo(int argc, char **argv) {
    for (int i = 2; i < argc; i++) printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
    return 0;
}
