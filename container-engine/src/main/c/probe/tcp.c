/* TCP: an echo or discard server, a round-trip client and a stream sender. */
#define _GNU_SOURCE
#include "probe.h"

/* An IPv4 address, or a name looked up in /etc/hosts (a static binary has no NSS to ask). */
static int resolve_host(const char *name, struct in_addr *out) {
    if (inet_pton(AF_INET, name, out) == 1) return 0;
    FILE *f = fopen("/etc/hosts", "re");
    if (!f) return -1;
    char line[512];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        char *save, *addr = strtok_r(line, " \t\n", &save);
        if (!addr || addr[0] == '#') continue;
        for (char *n = strtok_r(NULL, " \t\n", &save); n; n = strtok_r(NULL, " \t\n", &save))
            if (!strcmp(n, name) && inet_pton(AF_INET, addr, out) == 1) { found = 0; break; }
    }
    fclose(f);
    return found;
}

static int tcp_socket_addr(const char *host, const char *port, struct sockaddr_in *sa) {
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)atoi(port));
    if (resolve_host(host, &sa->sin_addr) < 0) { fprintf(stderr, "probe: cannot resolve %s\n", host); return -1; }
    return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* Serves CONNS connections one after another, echoing (rtt) or discarding (stream); alarm bounds it. */
static int tcp_serve(int echo, const char *host, const char *port, long conns, long timeout) {
    struct sockaddr_in sa;
    int ls = tcp_socket_addr(host, port, &sa), one = 1;
    if (ls < 0) return 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 16) < 0) return fail("bind", host);
    pin_last_cpu();
    alarm((unsigned)timeout);
    printf("listening\n");
    fflush(stdout);
    static char buf[1 << 17];
    for (long i = 0; i < conns; i++) {
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) return fail("accept", host);
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        long long total = 0;
        for (ssize_t n; (n = read(c, buf, echo ? 1 : sizeof buf)) > 0;) {
            total += n;
            if (echo && write(c, buf, n) != n) break;
        }
        close(c);
        if (!echo) { printf("received %lld\n", total); fflush(stdout); }
    }
    return 0;
}

/* Connects, retrying for up to 5 s while the server is not listening yet. */
static int tcp_connect(const char *host, const char *port) {
    for (int attempt = 0; attempt < 500; attempt++) {
        struct sockaddr_in sa;
        int s = tcp_socket_addr(host, port, &sa), one = 1;
        if (s < 0) return -1;
        if (connect(s, (struct sockaddr *)&sa, sizeof sa) == 0) {
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return s;
        }
        int err = errno;
        close(s);
        if (err != ECONNREFUSED && err != EHOSTUNREACH && err != ENETUNREACH) { errno = err; return -1; }
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    errno = ECONNREFUSED;
    return -1;
}

/* N one-byte round trips; prints each in nanoseconds. */
static int tcp_ping(const char *host, const char *port, long n) {
    pin_first_cpu();
    int s = tcp_connect(host, port);
    if (s < 0) return fail("connect", host);
    /* A peer that vanished without a reset would otherwise hold a round trip for TCP's ~15 min of retries. */
    struct timeval limit = {10, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    char c = 'x';
    for (long i = 0; i < n; i++) {
        long long t0 = now_ns();
        if (write(s, &c, 1) != 1 || read(s, &c, 1) != 1) return fail("round trip", host);
        printf("%lld\n", now_ns() - t0);
    }
    close(s);
    return 0;
}

/* Streams for SECONDS, then waits until the server has read everything; prints bytes and nanoseconds. */
static int tcp_send(const char *host, const char *port, double seconds) {
    pin_first_cpu();
    int s = tcp_connect(host, port);
    if (s < 0) return fail("connect", host);
    static char buf[1 << 17];
    memset(buf, 'x', sizeof buf);
    long long t0 = now_ns(), end = t0 + (long long)(seconds * 1e9), total = 0;
    while (now_ns() < end) {
        ssize_t n = write(s, buf, sizeof buf);
        if (n <= 0) return fail("write", host);
        total += n;
    }
    shutdown(s, SHUT_WR);
    char c;
    while (read(s, &c, 1) > 0) {}
    printf("bytes %lld nanos %lld\n", total, now_ns() - t0);
    close(s);
    return 0;
}

/* tcp-echo serve ADDR PORT CONNS TIMEOUT | tcp-echo ping HOST PORT N */
int cmd_tcp_echo(int argc, char **argv) {
    if (argc >= 7 && !strcmp(argv[2], "serve")) return tcp_serve(1, argv[3], argv[4], atol(argv[5]), atol(argv[6]));
    if (argc >= 6 && !strcmp(argv[2], "ping")) return tcp_ping(argv[3], argv[4], atol(argv[5]));
    return usage();
}

/* tcp-stream serve ADDR PORT CONNS TIMEOUT | tcp-stream send HOST PORT SECONDS */
int cmd_tcp_stream(int argc, char **argv) {
    if (argc >= 7 && !strcmp(argv[2], "serve")) return tcp_serve(0, argv[3], argv[4], atol(argv[5]), atol(argv[6]));
    if (argc >= 6 && !strcmp(argv[2], "send")) return tcp_send(argv[3], argv[4], atof(argv[5]));
    return usage();
}
