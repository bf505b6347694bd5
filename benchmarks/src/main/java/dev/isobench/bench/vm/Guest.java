package dev.isobench.bench.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A guest that runs isobench itself: the same Debian kernel as the vm target, booted with the probe as init
 * (guest mode), which loads the kernel modules from the initramfs, mounts the host's / read-only over virtio-9p,
 * cgroup v2 alone (every controller on one hierarchy), tmpfs for /tmp, /run and the engine's root, and the job's
 * directory writable over a second 9p share; then it runs the job's {@code run.sh} there in a chroot and writes its
 * exit code to {@code exit}. A raw virtio disk of the job's own is /dev/vda, for io.max. Nothing of the host is
 * written but the job's directory.
 *
 * <p>9p, not virtiofs: QEMU serves it alone, where virtiofs needs virtiofsd beside it and shared memory; the host's
 * JDK, the built jar and every peer are then where they are on the host, with nothing copied.
 */
public final class Guest {
    /** The guest's memory: a JVM runner, the engine and its containers. */
    public static final int MEMORY_MIB = 2048;
    private static final int DISK_MIB = 64;

    private final Qemu qemu;
    private final Path kernel;
    private final List<Path> modules;

    /** What one job gave: its exit code (125: the guest could not set up; -1: killed at the deadline) and console. */
    public record Outcome(int exitCode, String console, long wallNanos) {}

    public Guest(Qemu qemu, Path kernel, List<Path> modules) {
        this.qemu = qemu;
        this.kernel = kernel;
        this.modules = List.copyOf(modules);
    }

    /** The guest for this kernel, or why there is none. */
    public static Guest of(Qemu qemu, Path kernel) {
        List<Path> modules = GuestModules.inLoadOrder(kernel).orElseThrow(() -> new IllegalStateException(
                "no kernel modules beside " + kernel + " (lib/modules/VERSION with modules.dep): run scripts/vm-kernel, which brings them"));
        return new Guest(qemu, kernel, modules);
    }

    public Qemu qemu() {
        return qemu;
    }

    /** The initramfs: the probe as /init and the modules, numbered in load order. */
    byte[] initramfs(Path probe) throws IOException {
        Initramfs i = Initramfs.withProbe(Files.readAllBytes(probe)).dir("host").dir("modules");
        for (int n = 0; n < modules.size(); n++) {
            i.file(String.format("modules/%03d-%s", n, modules.get(n).getFileName()), Files.readAllBytes(modules.get(n)), 0644);
        }
        return i.bytes();
    }

    /**
     * Runs {@code script} (sh) in the guest with {@code job} as its working directory, the only host directory it can
     * write; waits at most {@code deadline}. The console (kernel and job output) is kept in {@code job/console.log}.
     */
    public Outcome run(Path probe, Path job, String script, Duration deadline) {
        return run(probe, job, script, deadline, "isobench-guest", line -> { });
    }

    /** The same, the guest's hostname given (a run's manifest names its host by it), each console line told as it comes. */
    public Outcome run(Path probe, Path job, String script, Duration deadline, String hostname, Consumer<String> onLine) {
        if (!hostname.matches("[A-Za-z0-9.-]{1,63}")) throw new IllegalArgumentException("a guest's hostname is letters, digits, '.' and '-': " + hostname);
        try {
            Files.createDirectories(job);
            Files.writeString(job.resolve("run.sh"), script);
            Files.deleteIfExists(job.resolve("exit"));
            Path initrd = job.resolve("initramfs.cpio");
            Files.write(initrd, initramfs(probe));
            Path disk = job.resolve("disk.raw");
            try (var f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
                f.setLength((long) DISK_MIB << 20); // sparse: a block device for io.max, nothing on it
            }
            Path console = job.resolve("console.log");
            List<String> argv = new ArrayList<>(List.of(qemu.binary().toString(), "-M", "q35", "-accel", accel(qemu), "-cpu", cpu(qemu),
                    "-m", Integer.toString(MEMORY_MIB), "-smp", Integer.toString(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()))),
                    "-display", "none", "-serial", "file:" + console, "-monitor", "none", "-no-reboot", "-nodefaults",
                    "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                    "-append", "console=ttyS0 quiet loglevel=1 panic=-1 -- guest " + job.toAbsolutePath() + " " + hostname,
                    "-virtfs", "local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap",
                    "-virtfs", "local,path=" + job.toAbsolutePath() + ",mount_tag=job,security_model=passthrough,multidevs=remap",
                    "-drive", "file=" + disk + ",format=raw,if=virtio"));
            long start = System.nanoTime();
            // in the job's directory: a run killed meanwhile leaves a QEMU that gc finds by its working directory (and argv)
            Process p = new ProcessBuilder(argv).directory(job.toFile()).redirectErrorStream(true).redirectOutput(job.resolve("qemu.log").toFile()).start();
            long end = start + deadline.toNanos();
            long told = 0;
            boolean done = false;
            try {
                while (!done && System.nanoTime() < end) {
                    done = p.waitFor(500, TimeUnit.MILLISECONDS);
                    told = tell(console, told, onLine);
                }
            } finally { // the deadline, or an interrupted run (Ctrl-C): no guest outlives its caller
                if (!done) p.destroyForcibly().waitFor();
            }
            tell(console, told, onLine);
            long wall = System.nanoTime() - start;
            Files.deleteIfExists(disk);
            Files.deleteIfExists(initrd);
            String log = Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
            if (!done) return new Outcome(-1, log, wall);
            Path exit = job.resolve("exit");
            int code = Files.exists(exit) ? Integer.parseInt(Files.readString(exit).trim()) : 125;
            return new Outcome(code, log, wall);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the guest ran", e);
        }
    }

    /** Tells the complete lines the console file has past {@code from}; returns where the next call starts. */
    private static long tell(Path console, long from, Consumer<String> onLine) throws IOException {
        if (!Files.exists(console) || Files.size(console) <= from) return from;
        byte[] fresh;
        try (var f = new java.io.RandomAccessFile(console.toFile(), "r")) { // only what came since: a long run's console grows
            f.seek(from);
            fresh = new byte[(int) (f.length() - from)];
            f.readFully(fresh);
        }
        int last = -1;
        for (int i = 0; i < fresh.length; i++) {
            if (fresh[i] != '\n') continue;
            onLine.accept(new String(fresh, last + 1, i - last - 1, StandardCharsets.UTF_8).replace("\r", ""));
            last = i;
        }
        return from + last + 1;
    }

    /**
     * The guest's CPU: the host's under KVM; under emulation SSE4.2 without AVX (QEMU 7.2's AVX emulation is young).
     */
    static String cpu(Qemu qemu) {
        return qemu.kvm() ? "host" : "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt";
    }

    /**
     * Under emulation one host thread runs every vCPU: with QEMU 7.2's multi-threaded TCG a JVM in the guest crashed in
     * its JIT's code now and then (SIGSEGV at a bad address in C1-compiled code, twice in a few dozen JVMs on dev-c),
     * which a test must never depend on.
     */
    static String accel(Qemu qemu) {
        return qemu.kvm() ? "kvm" : "tcg,thread=single";
    }

    /** This JVM's class path, each entry absolute: what a guest runs isobench from (under surefire, the tests' own). */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(":")).filter(s -> !s.isEmpty()).map(s -> Path.of(s).toAbsolutePath().toString()).collect(Collectors.joining(":"));
    }

    /** The guest's own words about a failed setup (its @@GUEST ERROR lines), or the console's tail. */
    public static String why(Outcome o) {
        List<String> errors = o.console().lines().filter(l -> l.contains("@@GUEST ERROR")).toList();
        if (!errors.isEmpty()) return String.join("; ", errors);
        String s = o.console().replaceAll("\\s+", " ").trim();
        return s.length() > 400 ? "..." + s.substring(s.length() - 400) : s;
    }
}
