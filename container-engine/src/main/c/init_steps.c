/* isobench-init's steps, one executor each, run in the container's namespaces in the plan's order. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <grp.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "protocol.h"
#include "stage.h"

char *env[MAX_ARGS + 1];
int nenv;
int barrier_fd = -1;
int handoff;
int console_fd = -1;
static char console_path[128]; /* the pty's path, for /dev/console */

/* runc --no-pivot: the root moved over '/' and entered with chroot; the host's tree stays beneath it. */
static int do_move_root(const char *newroot) {
    if (chdir(newroot) < 0 || mount(newroot, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0) return -1;
    return chdir("/");
}

static int do_pivot_root(const char *newroot) {
    /* pivot_root(".", ".") stacks the old root on top of the new one; making it a slave first keeps the
     * lazy unmount below from propagating back into the host's mount namespace. */
    if (chdir(newroot) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) return -1;
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0) return -1;
    return chdir("/");
}

static int do_mask(const char *path) {
    struct stat st;
    if (stat(path, &st) < 0) return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) return mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    return mount("/dev/null", path, NULL, MS_BIND, NULL);
}

static int do_set_user(struct step *s) {
    gid_t groups[MAX_ARGS];
    int n = 0;
    for (int i = 2; i < s->argc; i++) groups[n++] = num(s->argv[i]);
    if (setgroups(n, groups) < 0 || setresgid(num(s->argv[1]), num(s->argv[1]), num(s->argv[1])) < 0) return -1;
    return setresuid(num(s->argv[0]), num(s->argv[0]), num(s->argv[0]));
}

/* One mask for all three sets, or effective, permitted, inheritable and ambient masks (an OCI process's sets). */
static int do_capset(struct step *s) {
    unsigned long long set[4];
    for (int k = 0; k < 4; k++) set[k] = strtoull(s->argv[s->argc >= 4 ? k : 0], NULL, 10);
    if (s->argc < 4) set[3] = 0;
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    for (int i = 0; i < 2; i++) {
        data[i].effective = (uint32_t)(set[0] >> (32 * i));
        data[i].permitted = (uint32_t)(set[1] >> (32 * i));
        data[i].inheritable = (uint32_t)(set[2] >> (32 * i));
    }
    if (syscall(SYS_capset, &hdr, data) < 0) return -1;
    for (int cap = 0; cap < 64; cap++)
        if ((set[3] & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
    return 0;
}

static int do_rlimit(struct step *s) {
    struct rlimit rl = {strtoull(s->argv[1], NULL, 10), strtoull(s->argv[2], NULL, 10)}; /* "-1" reads as RLIM_INFINITY */
    return setrlimit((int)num(s->argv[0]), &rl);
}

static int do_write(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    if (n != (ssize_t)strlen(text)) { errno = n < 0 ? saved : EIO; return -1; }
    return 0;
}

/* The node, then its owner and its permission bits exactly as asked: mknod's are cut by the umask (runc chmods too). */
static int do_mknod(struct step *s) {
    mode_t mode = (mode_t)num(s->argv[1]);
    if (mknod(s->argv[0], mode, makedev(num(s->argv[2]), num(s->argv[3]))) < 0 && errno != EEXIST) return -1;
    if (chown(s->argv[0], (uid_t)num(s->argv[4]), (gid_t)num(s->argv[5])) < 0) return -1;
    return chmod(s->argv[0], mode & 07777);
}

static int do_bind_console(const char *target) {
    if (console_fd < 0) return 0;
    int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
    return mount(console_path, target, NULL, MS_BIND, NULL);
}

/* Makes the pty and hands its master to the caller's socket over SCM_RIGHTS, as runc's --console-socket does. */
int open_console(const char *socket_path) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, console_path, sizeof console_path) != 0) return -1;
    console_fd = open(console_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (console_fd < 0) return -1;
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (sock < 0 || strlen(socket_path) >= sizeof addr.sun_path) { errno = sock < 0 ? errno : ENAMETOOLONG; return -1; }
    strcpy(addr.sun_path, socket_path);
    if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) return -1;
    char name[] = "/dev/ptmx";
    struct iovec iov = {.iov_base = name, .iov_len = sizeof name - 1};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    ssize_t r = sendmsg(sock, &msg, 0);
    int saved = errno;
    close(sock);
    close(master);
    errno = saved;
    return r < 0 ? -1 : 0;
}

static int do_drop_bounding(unsigned long long keep) {
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) return errno == EINVAL ? 0 : -1;
    }
    return 0;
}

static int do_ifup(const char *name) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    int r = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (r == 0) {
        ifr.ifr_flags |= IFF_UP;
        r = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

/* Installs a classic BPF filter given as "code,jt,jf,k;...": compiled by the Java side, loaded as is. */
static int do_seccomp(const char *text) {
    static struct sock_filter insns[4096];
    unsigned short n = 0;
    for (const char *p = text; *p && n < 4096; n++) {
        char *end;
        insns[n].code = (unsigned short)strtoul(p, &end, 10);
        insns[n].jt = (unsigned char)strtoul(end + 1, &end, 10);
        insns[n].jf = (unsigned char)strtoul(end + 1, &end, 10);
        insns[n].k = (unsigned int)strtoul(end + 1, &end, 10);
        p = *end == ';' ? end + 1 : end;
    }
    struct sock_fprog prog = {.len = n, .filter = insns};
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* Finds the command the way execvp would, but before the start barrier, so a missing command fails create. */
static int resolve(const char *cmd, char *out, size_t n) {
    if (strchr(cmd, '/')) {
        snprintf(out, n, "%s", cmd);
        return access(out, X_OK);
    }
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (int i = 0; i < nenv; i++)
        if (strncmp(env[i], "PATH=", 5) == 0) path = env[i] + 5;
    int err = ENOENT;
    for (const char *p = path; *p;) {
        const char *end = strchrnul(p, ':');
        snprintf(out, n, "%.*s/%s", (int)(end - p), p, cmd);
        if (access(out, X_OK) == 0) return 0;
        if (errno != ENOENT) err = errno;
        p = *end ? end + 1 : end;
    }
    errno = err;
    return -1;
}

static _Noreturn void exec_command(int i) {
    struct step *s = &steps[i];
    char path[4096];
    if (resolve(s->argv[0], path, sizeof path) < 0) {
        int err = errno;
        send_error("step %d (exec %s) failed: %s", i, s->argv[0],
                   err == ENOENT ? "executable file not found in the container (check the command and PATH)" : strerror(err));
        _exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
    }
    /* Credentials were changed by the steps before this one, which clears the parent-death signal. */
    if (!handoff) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    send_frame(ST_READY, NULL, 0);
    if (barrier_fd >= 0) {
        char c;
        ssize_t r;
        do r = read(barrier_fd, &c, 1); while (r < 0 && errno == EINTR);
        if (r != 1) _exit(EXIT_SETUP_FAILED);
    }
    /* Nothing of the engine's reaches the workload: no plan, status or barrier fd, no inherited fd. */
    syscall(SYS_close_range, 3, ~0U, 0);
    env[nenv] = NULL;
    execve(path, s->argv, env);
    int err = errno;
    dprintf(2, "isobench-init: exec %s: %s\n", path, strerror(err));
    _exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
}

/* chdir that refuses to land outside the root (a workdir of /proc/self/fd/N naming a host directory: the
 * runc fd-leak class): the kernel reports such a cwd as "(unreachable)...". */
static int do_chdir(const char *dir) {
    char cwd[4096];
    if (chdir(dir) < 0) return -1;
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    if (n < 0) return -1;
    if (cwd[0] != '/') { errno = EXDEV; return -1; }
    return 0;
}

int run_step(int i) {
    struct step *s = &steps[i];
    int r = 0;
    switch (s->op) {
    case OP_CLONE: case OP_CGROUP: case OP_SETNS: case OP_EXIT_FILE: case OP_SETSID: case OP_USERNS_MAP: case OP_STDIO:
    case OP_HANDOFF: case OP_CONSOLE: case OP_CGROUP_INTO: case OP_LOG: break; /* the monitor's, done before the clone */
    case OP_UNSHARE: r = unshare(num(s->argv[0])); break;
    case OP_MOUNT: {
        r = mount(*s->argv[0] ? s->argv[0] : NULL, s->argv[1], *s->argv[2] ? s->argv[2] : NULL,
                  num(s->argv[3]), *s->argv[4] ? s->argv[4] : NULL);
        if (r < 0 && errno == ENOENT && num(s->argv[5])) r = 0; /* optional mount whose target is absent */
        break;
    }
    case OP_MKDIR: r = mkdir(s->argv[0], num(s->argv[1])); if (r < 0 && errno == EEXIST) r = 0; break;
    case OP_SYMLINK: r = symlink(s->argv[0], s->argv[1]); if (r < 0 && errno == EEXIST) r = 0; break;
    case OP_TOUCH: /* a mount point for a file: an existing one will do, also on a read-only mount */
        if (access(s->argv[0], F_OK) == 0) break;
        r = open(s->argv[0], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (r >= 0) r = close(r);
        break;
    case OP_SETHOSTNAME: r = sethostname(s->argv[0], strlen(s->argv[0])); break;
    case OP_PIVOT_ROOT: r = s->argc > 1 ? do_move_root(s->argv[0]) : do_pivot_root(s->argv[0]); break;
    case OP_MASK: r = do_mask(s->argv[0]); break;
    case OP_CHDIR: r = do_chdir(s->argv[0]); break;
    case OP_DROP_BOUNDING: r = do_drop_bounding(strtoull(s->argv[0], NULL, 10)); break;
    case OP_SET_USER: r = do_set_user(s); break;
    case OP_CAPSET: r = do_capset(s); break;
    case OP_KEEP_CAPS: r = prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0); break;
    case OP_UMASK: umask((mode_t)num(s->argv[0])); break;
    case OP_RLIMIT: r = do_rlimit(s); break;
    case OP_WRITE: r = do_write(s->argv[0], s->argv[1]); break;
    case OP_MKNOD: r = do_mknod(s); break;
    case OP_BIND_CONSOLE: r = do_bind_console(s->argv[0]); break;
    case OP_NO_NEW_PRIVS: r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); break;
    case OP_BARRIER: r = barrier_fd = open(s->argv[0], O_RDWR | O_CLOEXEC); break;
    case OP_ENV: if (nenv < MAX_ARGS) env[nenv++] = s->argv[0]; break;
    case OP_IFUP: r = do_ifup(s->argv[0]); break;
    case OP_SECCOMP: r = do_seccomp(s->argv[0]); break;
    case OP_EXEC: exec_command(i);
    default: errno = EINVAL; r = -1;
    }
    return r;
}
