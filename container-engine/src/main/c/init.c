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
 *                                   waitpid(container)
 *   <-------------------- ST_EXIT   write exit file, exit with the container's code (128+n for a signal)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "protocol.h"

#define PLAN_MAX (256 * 1024)
#define MAX_STEPS 1024
#define MAX_ARGS 256
#define MAX_FDS 32

/* Compact on purpose: a page fault is dear on a VM host, and every page this stage touches is faulted
 * again (copy-on-write) by the container's first process. */
struct step {
    uint32_t op;
    int argc;
    char **argv; /* into argv_pool, NULL-terminated; the strings point into plan_buf */
};

static char plan_buf[PLAN_MAX];
static char *argv_pool[PLAN_MAX + MAX_STEPS]; /* each argument takes at least its NUL */
static size_t argv_used;
static struct step steps[MAX_STEPS];
static int nsteps;
static char *env[MAX_ARGS + 1];
static int nenv;
static int barrier_fd = -1;
static volatile pid_t container_pid;
/* The cgroup files of the plan, opened by the monitor before any setns and inherited by the container's process. */
static int cgroup_fds[MAX_FDS], cgroup_steps[MAX_FDS], ncg;
/* OP_HANDOFF: no monitor stays behind, so no parent-death signal either. */
static int handoff;
/* OP_CONSOLE: the pty's other end, made fds 0-2 of the container, and its path (for /dev/console). */
static int console_fd = -1;
static char console_path[128];

static const char *op_name(uint32_t op) {
    switch (op) {
    case OP_CLONE: return "clone";
    case OP_CGROUP: return "cgroup";
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
static void send_frame(uint32_t op, const char *const *args, int n) {
    char buf[FRAME_MAX];
    uint32_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(args[i]) + 1;
        if (8 + len + l > sizeof buf) break;
        memcpy(buf + 8 + len, args[i], l);
        len += l;
    }
    memcpy(buf, &op, 4);
    memcpy(buf + 4, &len, 4);
    ssize_t r;
    do r = write(STATUS_FD, buf, 8 + len); while (r < 0 && errno == EINTR);
}

/* A message longer than a frame is marked as cut, never cut silently. */
static void send_error(const char *fmt, ...) {
    char msg[FRAME_MAX - 64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof msg) strcpy(msg + sizeof msg - 7, "[cut]");
    const char *args[] = {msg};
    send_frame(ST_ERROR, args, 1);
}

static void send_number(uint32_t op, long a, long b, int n) {
    char x[24], y[24];
    snprintf(x, sizeof x, "%ld", a);
    snprintf(y, sizeof y, "%ld", b);
    const char *args[] = {x, y};
    send_frame(op, args, n);
}

static int read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        got += r;
    }
    return 0;
}

/* The plan arrives as frames (op, length, NUL-separated arguments) up to an end frame; it is read in as few
 * read calls as the pipe allows and parsed in place. */
static void read_plan(void) {
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

static _Noreturn void fail_step(int i, int err) {
    struct step *s = &steps[i];
    send_error("step %d (%s %s) failed: %s", i, op_name(s->op), s->argc ? s->argv[0] : "", strerror(err));
    _exit(EXIT_SETUP_FAILED);
}

static unsigned long num(const char *s) { return strtoul(s, NULL, 10); }

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

static int do_mknod(struct step *s) {
    if (mknod(s->argv[0], (mode_t)num(s->argv[1]), makedev(num(s->argv[2]), num(s->argv[3]))) < 0 && errno != EEXIST) return -1;
    return chown(s->argv[0], (uid_t)num(s->argv[4]), (gid_t)num(s->argv[5]));
}

static int do_bind_console(const char *target) {
    if (console_fd < 0) return 0;
    int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
    return mount(console_path, target, NULL, MS_BIND, NULL);
}

/* Makes the pty and hands its master to the caller's socket over SCM_RIGHTS, as runc's --console-socket does. */
static int open_console(const char *socket_path) {
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
    for (int i = 0; i < nsteps; i++) {
        struct step *s = &steps[i];
        int r = 0;
        switch (s->op) {
        case OP_CLONE: case OP_CGROUP: case OP_SETNS: case OP_EXIT_FILE: case OP_SETSID: case OP_USERNS_MAP: case OP_STDIO:
        case OP_HANDOFF: case OP_CONSOLE: continue;
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
        if (r < 0) fail_step(i, errno);
    }
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
    int ns_fds[MAX_FDS], nns = 0, exit_dir = -1, userns_step = -1;
    /* Everything is opened before any setns: after joining a mount namespace, host paths are gone. */
    for (int i = 0; i < nsteps; i++) {
        struct step *s = &steps[i];
        int fd = 0;
        if (s->op == OP_STDIO && redirect(s) < 0) fail_step(i, errno);
        else if (s->op == OP_CLONE) flags = num(s->argv[0]);
        else if (s->op == OP_SETSID && setsid() < 0) fail_step(i, errno);
        else if (s->op == OP_CGROUP && ncg < MAX_FDS) { cgroup_steps[ncg] = i; fd = cgroup_fds[ncg++] = open(s->argv[0], O_WRONLY | O_CLOEXEC); }
        else if (s->op == OP_SETNS && nns < MAX_FDS) fd = ns_fds[nns++] = open(s->argv[0], O_RDONLY | O_CLOEXEC);
        else if (s->op == OP_EXIT_FILE) fd = exit_dir = open(s->argv[0], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        else if (s->op == OP_USERNS_MAP) userns_step = i;
        else if (s->op == OP_HANDOFF) handoff = 1;
        else if (s->op == OP_CONSOLE && open_console(s->argv[0]) < 0) fail_step(i, errno);
        if (fd < 0) fail_step(i, errno);
    }
    for (int i = 0, k = 0; i < nsteps; i++)
        if (steps[i].op == OP_SETNS && setns(ns_fds[k++], 0) < 0) fail_step(i, errno);

    int sync[2];
    if (pipe2(sync, O_CLOEXEC) < 0) { send_error("monitor: pipe: %s", strerror(errno)); _exit(EXIT_SETUP_FAILED); }
    pid_t pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) { send_error("monitor: clone into new namespaces: %s", strerror(errno)); _exit(EXIT_SETUP_FAILED); }
    if (pid == 0) {
        close(sync[1]);
        run_container(sync[0]);
    }
    close(sync[0]);
    for (int i = 0; i < ncg; i++) close(cgroup_fds[i]); /* the child joins through its own copies */
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
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) _exit(EXIT_SETUP_FAILED);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    write_exit_file(exit_dir, code, sig);
    send_number(ST_EXIT, code, sig, 2);
    _exit(code);
}
