/*
 * The one framing of protocol.h, written and read in one place for the stage (init*.c) and the client (client.c):
 *   u32 op (host byte order) | u32 length | length bytes of NUL-terminated string arguments
 * The Java side's twin is dev.isobench.engine.plan.Frames; ProtocolAgreementTest holds the constants equal.
 */
#ifndef ISOBENCH_FRAMES_H
#define ISOBENCH_FRAMES_H

#include <stddef.h>
#include <stdint.h>

/* Appends one frame with n arguments to buf at *at; -1 (and nothing written) when it would pass cap. */
int frame_put(char *buf, size_t cap, size_t *at, uint32_t op, const char *const *args, int n);

/* Whether buf's first have bytes hold a whole frame: then its op and the length of its arguments (at buf + 8). */
int frame_whole(const char *buf, size_t have, uint32_t *op, uint32_t *len);

/* write(2) and read(2) of exactly n bytes, through EINTR and short counts; -1 on error or end of file. */
int write_all(int fd, const char *buf, size_t n);
int read_full(int fd, void *buf, size_t n);

#endif
