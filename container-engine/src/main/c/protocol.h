/*
 * The one framing between the Java side and isobench-init, for plan, status and error frames alike:
 *   u32 op (host byte order) | u32 length | length bytes of NUL-terminated string arguments
 * Numbers travel as decimal text; frames.c writes and reads them for the stage and the client. The Java enum
 * dev.isobench.engine.plan.Op holds the same codes, plan.Frames the same sizes, fds and exit codes;
 * ProtocolAgreementTest fails the build when the two disagree.
 */
#ifndef ISOBENCH_PROTOCOL_H
#define ISOBENCH_PROTOCOL_H

#define PLAN_FD 3
#define STATUS_FD 4
#define FRAME_MAX 4096

/* Plan frames, read by the monitor (the process Java spawns). */
#define OP_CLONE 1
#define OP_CGROUP 2
#define OP_SETNS 3
#define OP_EXIT_FILE 4
#define OP_SETSID 5
#define OP_USERNS_MAP 6 /* uid_map text, gid_map text: written by the monitor for the cloned child */
#define OP_STDIO 7 /* fd, path, open flags, mode: for a monitor launched before its container was known */
#define OP_HANDOFF 8 /* the monitor exits once the container runs its steps: the caller's subreaper reaps it (an OCI runtime's model) */
#define OP_CONSOLE 9 /* unix socket path: a new pty becomes fds 0-2 and the controlling terminal; its master goes to the socket */
/* Plan frames, run in order by the container's first process. */
#define OP_UNSHARE 10
#define OP_MOUNT 11
#define OP_MKDIR 12
#define OP_SYMLINK 13
#define OP_TOUCH 14
#define OP_SETHOSTNAME 15
#define OP_PIVOT_ROOT 16
#define OP_MASK 17
#define OP_CHDIR 18
#define OP_DROP_BOUNDING 19
#define OP_SET_USER 20
#define OP_CAPSET 21
#define OP_NO_NEW_PRIVS 22
#define OP_BARRIER 23
#define OP_ENV 24
#define OP_IFUP 25
#define OP_EXEC 26
#define OP_SECCOMP 27
#define OP_UMASK 28
#define OP_RLIMIT 29 /* resource number, soft, hard ("-1": unlimited) */
#define OP_WRITE 30 /* path, text: a sysctl under /proc/sys, oom_score_adj */
#define OP_MKNOD 31 /* path, mode with file type bits, major, minor, uid, gid */
#define OP_BIND_CONSOLE 32 /* target: the console pty bound there (/dev/console), when there is one */
#define OP_KEEP_CAPS 33 /* capabilities survive the set-user step, for a CAPSET after it */
#define OP_CGROUP_INTO 34 /* a v2 group's directory: the container is cloned into it (clone3 CLONE_INTO_CGROUP), no join after */
#define OP_LOG 35 /* path, max bytes: fds 1-2 into a pipe the monitor copies to path, rotated to path.1 past max (a detached container) */
#define OP_END 99
/* Status frames, written back to Java. */
#define ST_PID 100
#define ST_READY 101
#define ST_ERROR 102
#define ST_EXIT 103

/* The resident engine's requests, from isobench-client (client.c) to the engine's socket; its answer is ST_EXIT. */
#define RQ_CWD 200 /* the first frame, with fds 0-2 over SCM_RIGHTS */
#define RQ_ARG 201
#define RQ_ENV 202
#define RQ_GO 203
#define RQ_SIGNAL 204 /* a signal the client got, by number */
#define RQ_SPAWN 205 /* engine to client: spawn the monitor at this path as your child (an OCI container must descend from the caller) */
#define RQ_SPAWNED 206 /* client to engine: its pid, with the plan pipe's write end and the status pipe's read end */

/* The resident engine's socket for an engine root: named by the FNV-1a 64 hash of the root's real path, short
 * whatever the root's length (a unix socket path holds 107 bytes). ResidentEngineFiles.socketFor computes the same;
 * ProtocolAgreementTest compiles this against it. */
#define ENGINE_SOCKET_FORMAT "/run/isobench/engine-%016llx.sock"
static inline unsigned long long isobench_root_hash(const char *real_path) {
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)real_path; *p; p++) { h ^= *p; h *= 0x100000001b3ULL; }
    return h;
}

/* Exit codes of the stage itself, as docker uses them. */
#define EXIT_SETUP_FAILED 125
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127

#endif
