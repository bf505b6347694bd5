package dev.isobench.engine.sys;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** The few libc calls the engine makes from Java; everything that must be single-threaded lives in C. */
public interface LibC {
    int O_RDONLY = 0;
    int O_WRONLY = 0x1;
    int O_CREAT = 0x40;
    int O_TRUNC = 0x200;
    int O_APPEND = 0x400;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int O_DIRECTORY = 0x10000;
    int LOCK_EX = 2;
    int LOCK_NB = 4;
    int F_DUPFD_CLOEXEC = 1030;

    int pipe2(@Out int[] fds, int flags);

    int fcntl(int fd, int cmd, int arg);

    long read(int fd, @Out byte[] buf, long count);

    long write(int fd, byte[] buf, long count);

    int close(int fd);

    int flock(int fd, int operation);

    int kill(int pid, int signal);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int waitpid(int pid, @Out int[] status, int options);

    /** pidfd_open has the same number on every architecture (Linux 5.3+). */
    long SYS_PIDFD_OPEN = 434;

    long syscall(long number, int pid, int flags);

    short POLLIN = 1;

    /** fds: struct pollfd {int fd; short events; short revents;} per entry, as two ints (little-endian). */
    int poll(@In @Out int[] fds, long count, int timeoutMillis);

    int geteuid();

    String strerror(int errnum);

    int mknod(String path, int mode, long dev);

    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    long lgetxattr(String path, String name, @Out byte[] value, long size);

    long llistxattr(String path, @Out byte[] list, long size);

    int lremovexattr(String path, String name);

    int socket(int domain, int type, int protocol);

    int bind(int fd, Pointer address, int length);

    int listen(int fd, int backlog);

    int accept4(int fd, Pointer address, Pointer length, int flags);

    long recvmsg(int fd, Pointer message, int flags);

    int getsockopt(int fd, int level, int name, Pointer value, Pointer length);

    int setns(int fd, int nstype);

    int ioctl(int fd, long request);

    int open(String path, int flags, int mode);

    int mkfifo(String path, int mode);

    int lchown(String path, int uid, int gid);

    int chmod(String path, int mode);

    /** times: two struct timeval, {seconds, microseconds} each. */
    int lutimes(String path, @In long[] times);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    /** glibc 2.34 and later. */
    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_destroy(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setsigmask(Pointer attributes, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attributes, Pointer sigset);

    /** Returns an error number itself instead of setting errno; argv and envp are NULL-terminated by jnr-ffi. */
    int posix_spawnp(@Out int[] pid, String file, Pointer actions, Pointer attributes, String[] argv, String[] envp);

    int AT_FDCWD = -100;
    int RENAME_EXCHANGE = 2;

    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    int rename(String oldpath, String newpath);

    int unlink(String path);

    int rmdir(String path);
}
