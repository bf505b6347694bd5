/*
 * isobench-client: the thin client of the resident engine. It forwards one `isobench ctr ...` call (argv, env,
 * cwd, and fds 0-2 over SCM_RIGHTS) to the engine listening on <root>/engine.sock, forwards the signals it gets
 * (Ctrl-C, TERM, HUP, QUIT) and exits with the code the engine sends back.
 *
 * When no engine answers, it starts one ($ISOBENCH_SERVE, a shell command; the engine takes a lock, so two clients
 * never start two) and waits for its socket. When none can be reached, it runs the Java CLI instead
 * ($ISOBENCH_JVM, a shell command prefix), saying why on stderr.
 *
 *   client                                   engine (Java, one per root)
 *   connect, sendmsg(RQ_CWD + fds 0-2) -->   accept, SO_PEERCRED: root only
 *   RQ_ARG... RQ_ENV... RQ_GO -----------> takes the call
 *   <------------------------------------- ST_READY (a connection lost before it: the call is made again)
 *                                          runs the command with the client's fds as its stdio
 *   RQ_SIGNAL n (on a signal) -----------> the command's interrupt (ctr run: the container is killed)
 *   exit(code) <-------------------------- ST_EXIT code, close
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "frames.h"
#include "protocol.h"

#define DEFAULT_ROOT "/var/lib/isobench"
#define DEFAULT_OCI_ROOT "/run/isobench/oci"

static pid_t monitors[64];
static int nmonitors;

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
    unsigned char s = (unsigned char)sig;
    ssize_t r = write(signal_pipe[1], &s, 1);
    (void)r;
}

/* One frame with at most one argument, the only kind a client sends. */
static int put_frame(char *buf, size_t cap, size_t *at, uint32_t op, const char *arg) {
    const char *args[] = {arg};
    return frame_put(buf, cap, at, op, args, arg ? 1 : 0);
}

/* One sendmsg: the bytes, with the fds over SCM_RIGHTS. */
static int send_with_fds(int sock, char *buf, size_t n, const int *fds, int nfds) {
    union { struct cmsghdr h; char b[CMSG_SPACE(3 * sizeof(int))]; } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {.iov_base = buf, .iov_len = n};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.b, .msg_controllen = CMSG_SPACE(nfds * sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
    memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    ssize_t r;
    do r = sendmsg(sock, &msg, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
    return r == (ssize_t)n ? 0 : -1;
}

/* The Java CLI in this process's place: $ISOBENCH_JVM, a shell command prefix, with this call's arguments. */
static void exec_java(int argc, char **argv) {
    const char *jvm = getenv("ISOBENCH_JVM");
    if (!jvm || !*jvm) return;
    char **args = calloc((size_t)argc + 4, sizeof *args);
    char script[4096];
    snprintf(script, sizeof script, "exec %s \"$@\"", jvm);
    args[0] = "sh";
    args[1] = "-c";
    args[2] = script;
    args[3] = "isobench";
    for (int i = 1; i < argc; i++) args[3 + i] = argv[i];
    execv("/bin/sh", args);
}


/* The engine root this call means: the last --root DIR or --root=DIR (a client's own after a wrapper's), else
 * for ctr $ISOBENCH_ROOT or /var/lib/isobench, for oci /run/isobench/oci. */
static const char *root_of(int argc, char **argv) {
    const char *root = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) root = argv[++i];
        else if (strncmp(argv[i], "--root=", 7) == 0) root = argv[i] + 7;
    }
    if (root) return root;
    if (argc > 1 && strcmp(argv[1], "oci") == 0) {
        const char *oci = getenv("ISOBENCH_OCI_ROOT");
        return oci && *oci ? oci : DEFAULT_OCI_ROOT;
    }
    const char *env = getenv("ISOBENCH_ROOT");
    return env && *env ? env : DEFAULT_ROOT;
}

/* The OCI verb, after the global options (those that take a value: --root, --log, --log-format, --rootless). */
static const char *oci_verb(int argc, char **argv) {
    for (int i = 2; i < argc; i++) {
        if (argv[i][0] != '-') return argv[i];
        if (!strchr(argv[i], '=') && (strcmp(argv[i], "--root") == 0 || strcmp(argv[i], "--log") == 0
                                      || strcmp(argv[i], "--log-format") == 0 || strcmp(argv[i], "--rootless") == 0)) i++;
    }
    return "";
}

/* RQ_SPAWN: the monitor at `path` as this client's child, so that the container it clones descends from whoever
 * called the runtime; the engine gets the plan pipe's write end and the status pipe's read end. */
static int spawn_monitor(int sock, const char *path) {
    int plan[2], status[2];
    if (pipe2(plan, O_CLOEXEC) < 0) return -1;
    if (pipe2(status, O_CLOEXEC) < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        if (dup2(plan[0], PLAN_FD) < 0 || dup2(status[1], STATUS_FD) < 0) _exit(EXIT_SETUP_FAILED);
        execl(path, "isobench-init", (char *)NULL);
        _exit(EXIT_NOT_FOUND);
    }
    close(plan[0]);
    close(status[1]);
    if (nmonitors < 64) monitors[nmonitors++] = pid;
    char buf[64];
    size_t at = 0;
    char num[16];
    snprintf(num, sizeof num, "%d", (int)pid);
    put_frame(buf, sizeof buf, &at, RQ_SPAWNED, num);
    int fds[2] = {plan[1], status[0]};
    int r = send_with_fds(sock, buf, at, fds, 2);
    close(plan[1]);
    close(status[0]);
    return r;
}

/* The monitors spawned for the engine are done (or about to be) when it answers: reaped before this client exits. */
static int finish(int code) {
    for (int i = 0; i < nmonitors; i++)
        while (waitpid(monitors[i], NULL, 0) < 0 && errno == EINTR) {}
    return code;
}

static int try_connect(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) { errno = ENAMETOOLONG; return -1; }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) return fd;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* Starts the engine in a session of its own, its stdio on /dev/null; it outlives this client. */
static void start_engine(const char *serve, const char *root) {
    pid_t pid = fork();
    if (pid < 0) return;
    if (pid == 0) {
        if (fork() != 0) _exit(0); /* the engine is no child of this client: nothing to reap */
        setsid();
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) { dup2(null, 0); dup2(null, 1); dup2(null, 2); }
        execl("/bin/sh", "sh", "-c", serve, "isobench-engine", root, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

static _Noreturn void fallback(int argc, char **argv, const char *why) {
    const char *jvm = getenv("ISOBENCH_JVM");
    if (!jvm || !*jvm) {
        fprintf(stderr, "isobench: error: %s, and no Java CLI to fall back on ($ISOBENCH_JVM is unset)\n", why);
        exit(125);
    }
    fprintf(stderr, "isobench: %s; running the Java CLI instead\n", why);
    exec_java(argc, argv);
    fprintf(stderr, "isobench: error: cannot run /bin/sh: %s\n", strerror(errno));
    exit(125);
}

static int send_request(int sock, int argc, char **argv) {
    static char buf[1 << 20];
    size_t at = 0;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
    if (put_frame(buf, sizeof buf, &at, RQ_CWD, cwd) < 0) return -1;
    /* The first frame carries fds 0-2: the command's stdio, and a container's. */
    int fds[3] = {0, 1, 2};
    if (send_with_fds(sock, buf, at, fds, 3) < 0) return -1;
    at = 0;
    for (int i = 1; i < argc; i++)
        if (put_frame(buf, sizeof buf, &at, RQ_ARG, argv[i]) < 0) return -1;
    for (char **e = environ; *e; e++)
        if (put_frame(buf, sizeof buf, &at, RQ_ENV, *e) < 0) return -1;
    if (put_frame(buf, sizeof buf, &at, RQ_GO, NULL) < 0) return -1;
    return write_all(sock, buf, at);
}

/* mkdir -p, the root mode 0711 (searchable, as root of a user namespace needs): the root must exist before its real path names the socket, and the engine logs there. */
static void make_root(const char *root) {
    char p[4096];
    snprintf(p, sizeof p, "%s", root);
    for (char *c = p + 1; *c; c++) {
        if (*c != '/') continue;
        *c = 0;
        mkdir(p, 0755);
        *c = '/';
    }
    mkdir(p, 0711);
}

/* The engine's socket for this root (protocol.h). */
static void socket_path(const char *root, char *out, size_t n) {
    char real[4096];
    const char *r = realpath(root, real) ? real : root;
    snprintf(out, n, ENGINE_SOCKET_FORMAT, isobench_root_hash(r));
}

/* Connects to the root's engine, starting one where none answers; -1 (after the fallback) never returns. */
static int connect_engine(int argc, char **argv, const char *root, const char *path) {
    int sock = try_connect(path);
    if (sock >= 0) return sock;
    const char *serve = getenv("ISOBENCH_SERVE");
    if (!serve || !*serve) fallback(argc, argv, "no resident engine answers and $ISOBENCH_SERVE is unset");
    start_engine(serve, root);
    struct timespec pause = {0, 5 * 1000 * 1000};
    for (int i = 0; i < 2000 && sock < 0; i++) { /* up to 10 s: a JVM's start */
        nanosleep(&pause, NULL);
        sock = try_connect(path);
    }
    if (sock < 0) {
        char why[4200];
        snprintf(why, sizeof why, "the resident engine did not come up on %s (see %s/engine.log)", path, root);
        fallback(argc, argv, why);
    }
    return sock;
}

/*
 * Installed as a runtime binary (a link or copy named isobench-runtime, which podman or containerd run per verb),
 * the client is `isobench-client oci`, and reads the settings a wrapper script would export from
 * isobench-client.env beside the real binary: ISOBENCH_SERVE, ISOBENCH_JVM, ISOBENCH_OCI_ROOT (the default --root).
 */
static char **as_runtime(int *argc, char **argv) {
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (strcmp(base, "isobench-runtime") != 0) return argv;
    char exe[4096], path[4200], line[8192];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0;
        snprintf(path, sizeof path, "%s/isobench-client.env", exe);
        FILE *f = fopen(path, "re");
        while (f && fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            char *eq = strchr(line, '=');
            if (!eq) continue;
            *eq = 0;
            setenv(line, eq + 1, 0); /* the caller's own environment wins */
        }
        if (f) fclose(f);
    }
    char **args = calloc((size_t)*argc + 2, sizeof *args);
    args[0] = argv[0];
    args[1] = "oci";
    for (int i = 1; i < *argc; i++) args[i + 1] = argv[i];
    (*argc)++;
    return args;
}

int main(int argc, char **argv) {
    argv = as_runtime(&argc, argv);
    /* oci run waits for its container as the caller's subreaper: that stays a JVM of its own */
    if (argc > 1 && strcmp(argv[1], "oci") == 0 && strcmp(oci_verb(argc, argv), "run") == 0) exec_java(argc, argv);
    const char *root = root_of(argc, argv);
    char path[4096];
    make_root(root);
    socket_path(root, path, sizeof path);
    if (pipe2(signal_pipe, O_CLOEXEC) < 0) fallback(argc, argv, "cannot make a pipe");
    struct sigaction sa = {.sa_handler = on_signal};
    int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sock = -1, acked = 0;
    static char in[FRAME_MAX + 8];
    size_t have = 0;
    /* A call not yet taken (an engine that went away meanwhile: one losing the start race, one going idle) is sent again. */
    for (int attempt = 0; attempt < 50 && !acked; attempt++) {
        if (sock >= 0) {
            close(sock);
            struct timespec pause = {0, 20 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
        sock = connect_engine(argc, argv, root, path);
        have = 0;
        if (send_request(sock, argc, argv) < 0) continue;
        for (;;) { /* until the engine takes the call */
            ssize_t n = read(sock, in + have, sizeof in - have);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            have += (size_t)n;
            uint32_t op, len;
            if (frame_whole(in, have, &op, &len)) {
                if (op != ST_READY || len != 0) break; /* not this protocol: give up on it */
                acked = 1;
                memmove(in, in + 8, have - 8);
                have -= 8;
                break;
            }
        }
    }
    if (!acked) {
        fprintf(stderr, "isobench: error: the resident engine did not take the call on %s\n", path);
        return 125;
    }
    for (;;) {
        uint32_t op, len;
        while (frame_whole(in, have, &op, &len)) { /* the frames read so far (with the ack, the answer may have come too) */
            if (op == ST_EXIT) return finish(len > 0 ? atoi(in + 8) : 125);
            if (op == RQ_SPAWN && len > 0 && spawn_monitor(sock, in + 8) < 0) {
                fprintf(stderr, "isobench: error: spawning the monitor %s: %s\n", in + 8, strerror(errno));
                return finish(125);
            }
            memmove(in, in + 8 + len, have - 8 - len);
            have -= 8 + len;
        }
        struct pollfd p[2] = {{sock, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return 125;
        }
        if (p[1].revents & POLLIN) {
            unsigned char s;
            if (read(signal_pipe[0], &s, 1) == 1) {
                char num[8], frame[32];
                size_t at = 0;
                snprintf(num, sizeof num, "%d", s);
                put_frame(frame, sizeof frame, &at, RQ_SIGNAL, num);
                if (write_all(sock, frame, at) < 0) { /* the engine is gone: the signal's own default */
                    signal(s, SIG_DFL);
                    raise(s);
                }
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(sock, in + have, sizeof in - have);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            have += (size_t)n;
        }
    }
    fprintf(stderr, "isobench: error: the resident engine went away before the command finished (killed?);"
                    " 'isobench ctr gc' removes what it left\n");
    return 125;
}
