package dev.isobench.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * System calls from a JVM through jnr-ffi, the same code on the host and in a JVM inside a container: what
 * a Java workload pays. The probe's native loop is the floor; the difference is the harness's own cost.
 * Each call is well under a millisecond, so these run in JMH's batched AverageTime mode, never
 * Level.Invocation. Pipe ping-pong and fork need a second process and stay in the native loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyscallBenchmarks {
    /** The libc calls measured. */
    public interface Sys {
        int getpid();

        int getppid();

        long read(int fd, @Out byte[] buf, long count);

        long write(int fd, byte[] buf, long count);

        int open(String path, int flags);

        int close(int fd);

        int stat(String path, @Out byte[] statbuf);

        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

        int munmap(Pointer addr, long length);
    }

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int PROT_RW = 3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;

    private Sys sys;
    private int zero;
    private int nul;
    private final byte[] one = new byte[1];
    private final byte[] statbuf = new byte[256];
    private Path dir;
    private String deep;
    private String file;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        sys = LibraryLoader.create(Sys.class).load("c");
        zero = sys.open("/dev/zero", O_RDONLY);
        nul = sys.open("/dev/null", O_WRONLY);
        dir = Files.createTempDirectory("isobench-jmh");
        Path d = Files.createDirectories(dir.resolve("a/b/c/d"));
        deep = Files.writeString(d.resolve("e"), "").toString();
        file = Files.writeString(dir.resolve("f"), "x").toString();
        if (zero < 0 || nul < 0) throw new IllegalStateException("cannot open /dev/zero and /dev/null");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sys.close(zero);
        sys.close(nul);
        Files.delete(Path.of(deep));
        Files.delete(Path.of(file));
        for (Path p = Path.of(deep).getParent(); !p.equals(dir.getParent()); p = p.getParent()) Files.delete(p);
    }

    @Benchmark
    public int getpid() {
        return sys.getpid();
    }

    @Benchmark
    public int getppid() {
        return sys.getppid();
    }

    @Benchmark
    public long read() {
        return sys.read(zero, one, 1);
    }

    @Benchmark
    public long write() {
        return sys.write(nul, one, 1);
    }

    @Benchmark
    public int openClose() {
        return sys.close(sys.open(file, O_RDONLY));
    }

    @Benchmark
    public int stat() {
        return sys.stat(deep, statbuf);
    }

    @Benchmark
    public int mmap() {
        Pointer p = sys.mmap(null, 4096, PROT_RW, MAP_PRIVATE_ANONYMOUS, -1, 0);
        p.putByte(0, (byte) 1);
        return sys.munmap(p, 4096);
    }
}
