/* The framing of protocol.h, shared by the stage and the client: see frames.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "frames.h"

int frame_put(char *buf, size_t cap, size_t *at, uint32_t op, const char *const *args, int n) {
    size_t len = 0;
    for (int i = 0; i < n; i++) len += strlen(args[i]) + 1;
    if (*at + 8 + len > cap) return -1;
    uint32_t l32 = (uint32_t)len;
    memcpy(buf + *at, &op, 4);
    memcpy(buf + *at + 4, &l32, 4);
    size_t p = *at + 8;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(args[i]) + 1;
        memcpy(buf + p, args[i], l);
        p += l;
    }
    *at = p;
    return 0;
}

int frame_whole(const char *buf, size_t have, uint32_t *op, uint32_t *len) {
    if (have < 8) return 0;
    memcpy(op, buf, 4);
    memcpy(len, buf + 4, 4);
    return have >= 8 + (size_t)*len;
}

int write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int read_full(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}
