/*
 * isobench-proxy: publishes one container port on the host, as docker-proxy does.
 *
 *   isobench-proxy LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT MONITOR_PID
 *
 * Listens on LISTEN_ADDR:LISTEN_PORT (the engine passes 127.0.0.1 only), prints "ready" once bound, and
 * relays each connection to TARGET_ADDR:TARGET_PORT with splice-free copying through poll. It lives as
 * long as the container's monitor: when MONITOR_PID exits (a pidfd turns readable), so does the proxy.
 * Bounded: at most MAX_CONNS connections at once; a connection beyond that is closed at accept.
 * A connection it cannot relay is closed, and why goes to stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_CONNS 64
#define BUF 65536

struct pair { int a, b; };

static int parse_addr(const char *ip, const char *port, struct sockaddr_in *sa) {
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)atoi(port));
    return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

/* Moves what is readable from one side to the other; returns -1 when the connection is over. */
static int relay(int from, int to) {
    static char buf[BUF];
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0) return -1;
    for (ssize_t done = 0; done < n;) {
        ssize_t w = write(to, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        done += w;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: isobench-proxy LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT MONITOR_PID\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);
    setsid(); /* not in the CLI's process group: a Ctrl-C there must not cut a detached container off */
    struct sockaddr_in listen_at, target;
    if (parse_addr(argv[1], argv[2], &listen_at) < 0 || parse_addr(argv[3], argv[4], &target) < 0) {
        fprintf(stdout, "error bad address\n");
        return 2;
    }
    int monitor = syscall(SYS_pidfd_open, atoi(argv[5]), 0);
    if (monitor < 0) { fprintf(stdout, "error monitor %s: %s\n", argv[5], strerror(errno)); return 1; }
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&listen_at, sizeof listen_at) < 0 || listen(ls, 128) < 0) {
        fprintf(stdout, "error %s:%s: %s\n", argv[1], argv[2], strerror(errno));
        return 1;
    }
    fprintf(stdout, "ready\n");
    fflush(stdout);
    int devnull = open("/dev/null", O_RDWR); /* stderr stays: the engine points it at the container's proxy.log */
    dup2(devnull, 0);
    dup2(devnull, 1);

    struct pair conns[MAX_CONNS];
    int n = 0;
    for (;;) {
        struct pollfd fds[2 + 2 * MAX_CONNS];
        fds[0] = (struct pollfd){.fd = monitor, .events = POLLIN};
        fds[1] = (struct pollfd){.fd = ls, .events = POLLIN};
        for (int i = 0; i < n; i++) {
            fds[2 + 2 * i] = (struct pollfd){.fd = conns[i].a, .events = POLLIN};
            fds[3 + 2 * i] = (struct pollfd){.fd = conns[i].b, .events = POLLIN};
        }
        if (poll(fds, 2 + 2 * n, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (fds[0].revents) return 0; /* the container is gone */
        for (int i = n - 1; i >= 0; i--) {
            int over = 0;
            if (fds[2 + 2 * i].revents && relay(conns[i].a, conns[i].b) < 0) over = 1;
            if (!over && fds[3 + 2 * i].revents && relay(conns[i].b, conns[i].a) < 0) over = 1;
            if (over) {
                close(conns[i].a);
                close(conns[i].b);
                conns[i] = conns[--n];
            }
        }
        if (fds[1].revents) {
            int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
            if (c < 0) continue;
            int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (n == MAX_CONNS || t < 0 || connect(t, (struct sockaddr *)&target, sizeof target) < 0) {
                /* The client sees only a closed connection: the reason goes to the log. */
                if (n == MAX_CONNS) fprintf(stderr, "isobench-proxy %s:%s: refused a connection: %d already open\n", argv[1], argv[2], MAX_CONNS);
                else fprintf(stderr, "isobench-proxy %s:%s: cannot connect to %s:%s: %s\n", argv[1], argv[2], argv[3], argv[4], strerror(errno));
                close(c);
                if (t >= 0) close(t);
                continue;
            }
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            conns[n++] = (struct pair){c, t};
        }
    }
}
