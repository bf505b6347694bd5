package dev.isobench.engine.sys;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Typed wrappers over libc: each failing call becomes an {@link EngineException} that names the call and
 * the errno text. Only jnr-ffi, bound to the calls listed in {@link LibC}: jnr-posix binds hundreds of calls
 * at first use, which cost a short-lived CLI about 0.2 s.
 */
public final class Native {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
    /** glibc's posix_spawn_file_actions_t is 80 bytes on 64-bit; room to spare. */
    private static final int FILE_ACTIONS_SIZE = 256;
    /** glibc's posix_spawnattr_t is 336 bytes on 64-bit. */
    private static final int ATTRIBUTES_SIZE = 512;
    private static final int SIGSET_SIZE = 128;
    /** Read-only sigset_t values for every spawn. */
    private static final Pointer NO_SIGNALS = Memory.allocateDirect(Runtime.getRuntime(LIBC), SIGSET_SIZE, true);
    private static final Pointer ALL_SIGNALS = sigset(-1L); // signals 1 to 64

    private Native() {}

    private static Pointer sigset(long first64) {
        Pointer set = Memory.allocateDirect(Runtime.getRuntime(LIBC), SIGSET_SIZE, true);
        set.putLong(0, first64);
        return set;
    }

    /** A pipe whose two ends are close-on-exec and numbered 10 or above, so no spawn can clobber them. */
    public static int[] pipe() {
        int[] fds = new int[2];
        check(LIBC.pipe2(fds, LibC.O_CLOEXEC), "pipe2");
        for (int i = 0; i < 2; i++) {
            int moved = check(LIBC.fcntl(fds[i], LibC.F_DUPFD_CLOEXEC, 10), "fcntl(F_DUPFD_CLOEXEC)");
            LIBC.close(fds[i]);
            fds[i] = moved;
        }
        return fds;
    }

    public static int read(int fd, byte[] buf) {
        while (true) {
            long n = LIBC.read(fd, buf, buf.length);
            if (n >= 0) return (int) n;
            if (errno() != Errno.EINTR) throw failure("read", errno());
        }
    }

    public static void writeFully(int fd, byte[] buf) {
        int done = 0;
        while (done < buf.length) {
            byte[] rest = done == 0 ? buf : Arrays.copyOfRange(buf, done, buf.length);
            long n = LIBC.write(fd, rest, rest.length);
            if (n < 0 && errno() == Errno.EINTR) continue;
            if (n < 0) throw failure("write", errno());
            done += (int) n;
        }
    }

    public static void close(int fd) {
        if (fd >= 0) LIBC.close(fd);
    }

    /** Sends a signal; returns false when the process is already gone. */
    public static boolean kill(int pid, int signal) {
        if (LIBC.kill(pid, signal) == 0) return true;
        if (errno() == Errno.ESRCH) return false;
        throw failure("kill(" + pid + ", " + signal + ")", errno());
    }

    /** Waits for a child of this JVM and returns its raw wait status. */
    public static int waitpid(int pid) {
        int[] status = new int[1];
        while (LIBC.waitpid(pid, status, 0) < 0) {
            if (errno() != Errno.EINTR) throw failure("waitpid(" + pid + ")", errno());
        }
        return status[0];
    }

    /** A wait status as a shell reports it: the exit status, or 128 + the signal that ended the process. */
    public static int exitCode(int waitStatus) {
        int signal = waitStatus & 0x7f;
        return signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal;
    }

    public static boolean isRoot() {
        return LIBC.geteuid() == 0;
    }

    /** posix_spawnp with an empty environment; returns the child's pid. */
    public static int spawn(String path, List<String> argv, Collection<SpawnAction> actions) {
        return spawn(path, argv, actions, List.of());
    }

    /**
     * posix_spawnp; returns the child's pid. The child starts with no signal blocked and each at its default:
     * a JVM's threads block SIGQUIT, which a child would otherwise inherit (ProcessBuilder's children do).
     *
     * @param env {@code KEY=VALUE} entries
     */
    public static int spawn(String path, List<String> argv, Collection<SpawnAction> actions, List<String> env) {
        Runtime runtime = Runtime.getRuntime(LIBC);
        Pointer fileActions = Memory.allocateDirect(runtime, FILE_ACTIONS_SIZE);
        Pointer attributes = Memory.allocateDirect(runtime, ATTRIBUTES_SIZE);
        int error = LIBC.posix_spawn_file_actions_init(fileActions);
        if (error != 0) throw failure("posix_spawn_file_actions_init", error);
        error = LIBC.posix_spawnattr_init(attributes);
        if (error != 0) {
            LIBC.posix_spawn_file_actions_destroy(fileActions);
            throw failure("posix_spawnattr_init", error);
        }
        try {
            for (SpawnAction a : actions) {
                if (a instanceof SpawnAction.Dup d) error = LIBC.posix_spawn_file_actions_adddup2(fileActions, d.from(), d.fd());
                else if (a instanceof SpawnAction.Open o) error = LIBC.posix_spawn_file_actions_addopen(fileActions, o.fd(), o.path(), o.flags(), o.mode());
                else if (a instanceof SpawnAction.CloseFrom c) error = LIBC.posix_spawn_file_actions_addclosefrom_np(fileActions, c.lowest());
                if (error != 0) throw failure("posix_spawn file action " + a, error);
            }
            LIBC.posix_spawnattr_setsigmask(attributes, NO_SIGNALS);
            LIBC.posix_spawnattr_setsigdefault(attributes, ALL_SIGNALS);
            LIBC.posix_spawnattr_setflags(attributes, (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF));
            int[] pid = new int[1];
            error = LIBC.posix_spawnp(pid, path, fileActions, attributes, argv.toArray(String[]::new), env.toArray(String[]::new));
            if (error != 0) throw failure("posix_spawn " + path, error);
            return pid[0];
        } finally {
            LIBC.posix_spawnattr_destroy(attributes);
            LIBC.posix_spawn_file_actions_destroy(fileActions);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for a process to exit, through a pidfd (any process, not only a child);
     * a child of this JVM is not reaped, so its pid stays its own until {@link #waitpid}. Returns whether it exited.
     */
    public static boolean awaitExit(int pid, int timeoutMillis) {
        int fd = (int) LIBC.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
        if (fd < 0) throw failure("pidfd_open(" + pid + ")", errno());
        try {
            int[] pollfd = {fd, LibC.POLLIN};
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                int n = LIBC.poll(pollfd, 1, left);
                if (n > 0) return true;
                if (n == 0) return false;
                if (errno() != Errno.EINTR) throw failure("poll(pidfd of " + pid + ")", errno());
            }
        } finally {
            LIBC.close(fd);
        }
    }

    /**
     * Makes this process the subreaper of its descendants (PR_SET_CHILD_SUBREAPER): a handed-off container whose
     * monitor exits becomes this process's child, so its exit status can be waited for, as conmon and a containerd
     * shim do.
     */
    public static void becomeSubreaper() {
        if (LIBC.prctl(36, 1, 0, 0, 0) != 0) throw failure("prctl(PR_SET_CHILD_SUBREAPER)", errno());
    }

    /** rename(2); returns 0, or the errno instead of throwing. */
    public static int rename(String from, String to) {
        return LIBC.rename(from, to) == 0 ? 0 : errno();
    }

    /** rmdir(2); returns 0, or the errno (ENOENT, EBUSY, ...) instead of throwing. */
    public static int rmdir(String path) {
        return LIBC.rmdir(path) == 0 ? 0 : errno();
    }

    /**
     * Opens a directory and takes an exclusive flock(2) on it, waiting for any holder; closing the fd releases
     * it. An flock belongs to the open file, so it excludes other threads of this process as well as others.
     */
    public static int lockDirectory(String path) {
        int fd = check(LIBC.open(path, LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0), "open " + path);
        while (LIBC.flock(fd, LibC.LOCK_EX) < 0) {
            int err = errno();
            if (err == Errno.EINTR) continue;
            LIBC.close(fd);
            throw failure("flock " + path, err);
        }
        return fd;
    }

    /** As {@link #lockDirectory} without waiting: the fd, or -1 when another holds the lock or the directory is gone. */
    public static int tryLockDirectory(String path) {
        int fd = LIBC.open(path, LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0) return -1;
        if (LIBC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) == 0) return fd;
        LIBC.close(fd);
        return -1;
    }

    /** NS_GET_NSTYPE: the CLONE_NEW* flag of the namespace a file is. */
    private static final long NS_GET_NSTYPE = 0xb703;

    /** The namespace type (a CLONE_NEW* flag) of a namespace file (/proc/PID/ns/X, or one bound elsewhere); -1 where it is none. */
    public static int namespaceType(String path) {
        int fd = LIBC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) return -1;
        try {
            return LIBC.ioctl(fd, NS_GET_NSTYPE);
        } finally {
            LIBC.close(fd);
        }
    }

    /** open(2) with the given flags; returns -1 (instead of throwing) when the path cannot be opened, errno in {@link #errno()}. */
    public static int tryOpen(String path, int flags) {
        return LIBC.open(path, flags | LibC.O_CLOEXEC, 0);
    }

    /**
     * Puts {@code from} in place of {@code to} atomically, as rename(2) does: readers see the old file or the
     * new one. An existing {@code to} is swapped out (RENAME_EXCHANGE) and then unlinked, because a rename
     * over an existing file makes ext4 (auto_da_alloc) start writing the new file's data at once: under perf
     * trace a rename cost several times an exchange and an unlink, and a short-lived container's state then never
     * reaches the disk. Runtime state needs no durability: a crashed host has no running
     * container. Where the target is absent or the filesystem cannot exchange, a plain rename.
     */
    public static void replace(String from, String to) {
        if (LIBC.renameat2(LibC.AT_FDCWD, from, LibC.AT_FDCWD, to, LibC.RENAME_EXCHANGE) == 0) {
            check(LIBC.unlink(from), "unlink " + from);
            return;
        }
        int err = errno();
        if (err != Errno.ENOENT && err != Errno.EINVAL) throw failure("renameat2 " + from + " " + to, err);
        check(LIBC.rename(from, to), "rename " + from + " to " + to);
    }

    public static void mkfifo(String path, int mode) {
        check(LIBC.mkfifo(path, mode), "mkfifo " + path);
    }

    /** chown(2) without following a symlink. */
    public static void lchown(String path, int uid, int gid) {
        check(LIBC.lchown(path, uid, gid), "lchown " + path + " to " + uid + ":" + gid);
    }

    public static void chmod(String path, int mode) {
        check(LIBC.chmod(path, mode), "chmod " + path);
    }

    /** Sets a symlink's own access and modification times (whole seconds). */
    public static void lutimes(String path, long seconds) {
        check(LIBC.lutimes(path, new long[] {seconds, 0, seconds, 0}), "lutimes " + path);
    }

    /** mknod(2): device nodes from image layers, and overlayfs whiteouts (a char device 0/0). */
    public static void mknod(String path, int mode, int major, int minor) {
        long dev = ((long) (major & 0xfff) << 8) | (minor & 0xff) | ((long) (minor & ~0xff) << 12) | ((long) (major & ~0xfff) << 32);
        check(LIBC.mknod(path, mode, dev), "mknod " + path);
    }

    public static void setXattr(String path, String name, byte[] value) {
        check(LIBC.lsetxattr(path, name, value, value.length, 0), "setxattr " + name + " on " + path);
    }

    public static void removeXattr(String path, String name) {
        check(LIBC.lremovexattr(path, name), "removexattr " + name + " on " + path);
    }

    /** The extended attribute names of a path (not following symlinks). */
    public static List<String> listXattrs(String path) {
        byte[] buf = new byte[65536];
        long n = LIBC.llistxattr(path, buf, buf.length);
        if (n < 0) throw failure("listxattr " + path, errno());
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buf[i] == 0) {
                names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }

    /** An extended attribute's value, or null when the path does not have it. */
    public static byte[] getXattr(String path, String name) {
        byte[] buf = new byte[65536];
        long n = LIBC.lgetxattr(path, name, buf, buf.length);
        if (n < 0) return null;
        return Arrays.copyOf(buf, (int) n);
    }

    /** A close-on-exec socket. */
    public static int socket(int domain, int type, int protocol) {
        return check(LIBC.socket(domain, type | LibC.O_CLOEXEC, protocol), "socket(" + domain + ")");
    }

    /** A listening AF_UNIX stream socket at {@code path} (an old socket file there is replaced), mode 0600. */
    public static int listenUnix(String path) {
        Runtime runtime = Runtime.getRuntime(LIBC);
        byte[] name = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (name.length >= 108) throw new EngineException("socket path " + path + " is over 107 bytes");
        int fd = socket(1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0);
        Pointer address = Memory.allocateDirect(runtime, 110, true);
        address.putShort(0, (short) 1);
        address.put(2, name, 0, name.length);
        LIBC.unlink(path);
        if (LIBC.bind(fd, address, 110) < 0 || LIBC.chmod(path, 0600) < 0 || LIBC.listen(fd, 64) < 0) {
            int e = errno();
            LIBC.close(fd);
            throw failure("bind/listen " + path, e);
        }
        return fd;
    }

    public static int accept(int fd) {
        while (true) {
            int c = LIBC.accept4(fd, null, null, LibC.O_CLOEXEC);
            if (c >= 0) return c;
            if (errno() != Errno.EINTR) throw failure("accept", errno());
        }
    }

    /** The uid of the process at the other end of a unix socket (SO_PEERCRED). */
    public static int peerUid(int fd) {
        Runtime runtime = Runtime.getRuntime(LIBC);
        Pointer cred = Memory.allocateDirect(runtime, 12, true);
        Pointer length = Memory.allocateDirect(runtime, 4, true);
        length.putInt(0, 12);
        check(LIBC.getsockopt(fd, 1 /* SOL_SOCKET */, 17 /* SO_PEERCRED */, cred, length), "getsockopt(SO_PEERCRED)");
        return cred.getInt(4); // struct ucred { pid, uid, gid }
    }

    /** What one recvmsg(2) read, and the fds that came with it (SCM_RIGHTS), owned by the caller now. */
    public record Received(int length, int[] fds) {}

    /** recvmsg(2) into {@code buf}, taking up to 8 passed fds; length 0 at end of stream. */
    public static Received receiveWithFds(int fd, byte[] buf) {
        Runtime runtime = Runtime.getRuntime(LIBC);
        Pointer data = Memory.allocateDirect(runtime, buf.length);
        Pointer iov = Memory.allocateDirect(runtime, 16, true);
        iov.putAddress(0, data.address());
        iov.putLong(8, buf.length);
        int controlLength = 16 + 8 * 4; // CMSG_SPACE(8 ints)
        Pointer control = Memory.allocateDirect(runtime, controlLength, true);
        Pointer msg = Memory.allocateDirect(runtime, 56, true); // struct msghdr on 64-bit Linux
        msg.putAddress(16, iov.address());
        msg.putLong(24, 1);
        msg.putAddress(32, control.address());
        msg.putLong(40, controlLength);
        long n;
        do n = LIBC.recvmsg(fd, msg, 0x40000000 /* MSG_CMSG_CLOEXEC */); while (n < 0 && errno() == Errno.EINTR);
        if (n < 0) throw failure("recvmsg", errno());
        data.get(0, buf, 0, (int) n);
        int[] fds = new int[0];
        long cmsgLength = msg.getLong(40) >= 16 ? control.getLong(0) : 0;
        if (cmsgLength > 16 && control.getInt(8) == 1 /* SOL_SOCKET */ && control.getInt(12) == 1 /* SCM_RIGHTS */) {
            fds = new int[(int) (cmsgLength - 16) / 4];
            for (int i = 0; i < fds.length; i++) fds[i] = control.getInt(16 + 4L * i);
        }
        return new Received((int) n, fds);
    }

    /** setns(2): moves the calling thread (for a network namespace, only this thread) into a namespace. */
    public static void setns(int fd, int nstype) {
        check(LIBC.setns(fd, nstype), "setns");
    }

    public static int openReadOnly(String path) {
        return check(LIBC.open(path, LibC.O_CLOEXEC /* O_RDONLY */, 0), "open " + path);
    }

    public static String strerror(int errno) {
        return LIBC.strerror(errno);
    }

    public static int errno() {
        return Runtime.getSystemRuntime().getLastError();
    }

    private static int check(int result, String call) {
        if (result < 0) throw failure(call, errno());
        return result;
    }

    private static EngineException failure(String call, int errno) {
        return new EngineException(call + " failed: " + LIBC.strerror(errno));
    }
}
