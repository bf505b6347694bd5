package dev.isobench.engine.sys;

import dev.isobench.engine.EngineException;
import java.util.Collection;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.SpawnFileAction;

/**
 * Typed wrappers over libc: each failing call becomes an {@link EngineException} that names the call and
 * the errno text. posix_spawn comes from jnr-posix, which already does its file actions.
 */
public final class Native {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

    private Native() {}

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
            byte[] rest = done == 0 ? buf : java.util.Arrays.copyOfRange(buf, done, buf.length);
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

    public static boolean isRoot() {
        return LIBC.geteuid() == 0;
    }

    public static int spawn(String path, List<String> argv, Collection<SpawnFileAction> actions) {
        long pid = POSIX.posix_spawnp(path, actions, argv, List.of());
        if (pid <= 0) throw failure("posix_spawn " + path, POSIX.errno());
        return (int) pid;
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
    public static java.util.List<String> listXattrs(String path) {
        byte[] buf = new byte[65536];
        long n = LIBC.llistxattr(path, buf, buf.length);
        if (n < 0) throw failure("listxattr " + path, errno());
        java.util.List<String> names = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buf[i] == 0) {
                names.add(new String(buf, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
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
        return java.util.Arrays.copyOf(buf, (int) n);
    }

    /** A close-on-exec socket. */
    public static int socket(int domain, int type, int protocol) {
        return check(LIBC.socket(domain, type | LibC.O_CLOEXEC, protocol), "socket(" + domain + ")");
    }

    /** setns(2): moves the calling thread (for a network namespace, only this thread) into a namespace. */
    public static void setns(int fd, int nstype) {
        check(LIBC.setns(fd, nstype), "setns");
    }

    public static int openReadOnly(String path) {
        int fd = POSIX.open(path, 0x80000 /* O_RDONLY|O_CLOEXEC */, 0);
        if (fd < 0) throw failure("open " + path, POSIX.errno());
        return fd;
    }

    public static String strerror(int errno) {
        return LIBC.strerror(errno);
    }

    public static POSIX posix() {
        return POSIX;
    }

    static int errno() {
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
