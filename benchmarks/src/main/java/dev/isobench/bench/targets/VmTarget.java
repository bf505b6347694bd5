package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.PeakRss;
import dev.isobench.bench.vm.Guest;
import dev.isobench.bench.vm.GuestPoint;
import dev.isobench.bench.vm.Initramfs;
import dev.isobench.bench.vm.Qemu;
import dev.isobench.bench.vm.SerialFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The same probe in a virtual machine: QEMU boots the guest kernel with an initramfs whose /init is the
 * static probe, which runs the commands it is given on the kernel command line and writes each result as
 * a checksummed frame on the serial console, then resets the machine (QEMU exits, -no-reboot). One boot can
 * run several commands, since a boot under emulation takes seconds. A guest that does not finish by the
 * deadline is killed and reported, and after one failed boot every later boot of this target is refused at once
 * with that reason: a hanging guest costs a run one deadline, not one per boot.
 */
public final class VmTarget implements Target {
    public static final int GUEST_MIB = 256;

    private final Qemu qemu;
    private final Path kernel;
    private final Path initramfs;
    private final Duration deadline;
    private final Optional<Guest> guest;
    private volatile String failedBoot;
    private GuestPoint.Result inVm;
    private String inVmFailure;

    /** A guest still running at the deadline: hung, or far slower than a VM can be and still be measured. */
    public static final class GuestTimeout extends IllegalStateException {
        GuestTimeout(String message) {
            super(message);
        }
    }

    /** What one boot gave. */
    public record Boot(long wallNanos, long hostToInitNanos, OptionalLong guestInitNanos, long peakRssBytes, List<SerialFrames.Frame> frames) {}

    public VmTarget(Qemu qemu, Path kernel, Path probe, Path dir, Duration deadline) {
        this(qemu, kernel, probe, dir, deadline, Optional.empty());
    }

    /** @param guest the guest that runs isobench itself on the same kernel, for the container-in-a-VM point, where its modules are here */
    public VmTarget(Qemu qemu, Path kernel, Path probe, Path dir, Duration deadline, Optional<Guest> guest) {
        this.qemu = qemu;
        this.guest = guest;
        this.kernel = kernel;
        this.deadline = deadline;
        try {
            Files.createDirectories(dir);
            this.initramfs = dir.resolve("initramfs.cpio");
            Initramfs.withProbe(Files.readAllBytes(probe)).writeTo(initramfs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "vm";
    }

    /** The guest that runs the engine inside this VM's kernel (the spectrum's container in a VM), where it can be had. */
    public Optional<Guest> guest() {
        return guest;
    }

    /**
     * The run's container-in-a-VM measurement, made by the first suite that asks, in one boot (start-to-exit and
     * getpid together: a boot under emulation costs tens of seconds); a later suite takes the same. A failure is kept
     * and told again, not retried.
     */
    public synchronized GuestPoint.Result containerInVm(Path probe, Path job, List<String> pointArgs) {
        if (inVmFailure != null) throw new IllegalStateException(inVmFailure);
        if (inVm == null) {
            try {
                inVm = GuestPoint.measure(guest.orElseThrow(() -> new IllegalStateException("no guest for this VM's kernel")), probe, job, pointArgs,
                        GuestPoint.DEADLINE);
            } catch (RuntimeException e) {
                inVmFailure = e.getMessage();
                throw e;
            }
        }
        return inVm;
    }

    /** The measurement, if a suite made it already. */
    public synchronized Optional<GuestPoint.Result> containerInVmMeasured() {
        return Optional.ofNullable(inVm);
    }

    /** {@code kvm} or {@code emulated}: a TCG result must never pass for hardware virtualization. */
    @Override
    public String variant() {
        return qemu.variant();
    }

    @Override
    public Execution run(List<String> probeArgs) {
        Boot b = boot(List.of(probeArgs));
        SerialFrames.Frame f = b.frames().get(0);
        return new Execution(b.wallNanos(), f.exitCode(), f.output(), "");
    }

    /** Boots once and runs each command in turn; fails when the guest hangs, resets early or garbles a frame. */
    public Boot boot(List<List<String>> commands) {
        return boot(commands, List.of());
    }

    /**
     * The same, with QEMU started inside cgroups: a shell writes its own pid into each of the group's join files ({@code tasks} or {@code cgroup.procs})
     * and then execs QEMU, so every QEMU thread is limited from its first instruction.
     */
    public Boot boot(List<List<String>> commands, List<Path> cgroupProcs) {
        // The kernel hands /init at most 32 arguments: one per command, its words joined by ','.
        if (commands.size() > 31) throw new IllegalArgumentException("one boot runs at most 31 commands, got " + commands.size());
        if (failedBoot != null) throw new IllegalStateException("skipped: an earlier boot of this VM failed (" + failedBoot + ")");
        try {
            return bootOnce(commands, cgroupProcs);
        } catch (IllegalStateException e) {
            if (!Thread.currentThread().isInterrupted()) failedBoot = e.getMessage();
            throw e;
        }
    }

    private Boot bootOnce(List<List<String>> commands, List<Path> cgroupProcs) {
        List<String> init = new ArrayList<>();
        for (List<String> c : commands) {
            for (String a : c) {
                if (a.isEmpty() || a.contains(" ") || a.contains(",")) throw new IllegalArgumentException("a VM command word cannot be empty or hold spaces or commas: '" + a + "'");
            }
            init.add(String.join(",", c));
        }
        String append = "console=ttyS0 quiet loglevel=0 panic=-1 -- " + String.join(" ", init);
        if (append.length() > 2000) throw new IllegalArgumentException("the guest's command line would exceed the kernel's 2048 bytes");
        List<String> argv = List.of(qemu.binary().toString(), "-M", "q35", "-accel", qemu.accelerator(), "-m", GUEST_MIB + "M",
                "-smp", "1", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-nodefaults",
                "-kernel", kernel.toString(), "-initrd", initramfs.toString(), "-append", append);
        List<String> launch = new ArrayList<>();
        if (!cgroupProcs.isEmpty()) {
            StringBuilder join = new StringBuilder();
            for (Path f : cgroupProcs) join.append("echo $$ > '").append(f).append("' && ");
            launch.addAll(List.of("/bin/sh", "-c", join + "exec \"$0\" \"$@\""));
        }
        launch.addAll(argv);
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(launch).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + qemu.binary() + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        long[] initSeen = {-1};
        Thread reader = new Thread(() -> readConsole(p.getInputStream(), console, initSeen, start), "vm-console");
        reader.start();
        long peakRss = 0;
        try {
            long end = start + deadline.toNanos();
            while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
                peakRss = Math.max(peakRss, PeakRss.bytes(p.pid()));
                if (System.nanoTime() > end) {
                    p.destroyForcibly().waitFor();
                    reader.join(1000);
                    throw new GuestTimeout("the guest did not finish within " + deadline.toMillis() / 1000.0 + " s under " + qemu.accelerator()
                            + " and was killed; console: " + tail(console));
                }
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a VM ran", e);
        }
        long wall = System.nanoTime() - start;
        byte[] out;
        synchronized (console) {
            out = console.toByteArray();
        }
        if (SerialFrames.initNanos(out).isEmpty()) {
            throw new IllegalStateException("the guest never reached /init (does " + kernel + " have a serial console and initramfs support?); console: " + tail(console));
        }
        List<SerialFrames.Frame> frames = SerialFrames.parse(out);
        if (!SerialFrames.done(out) || frames.size() != commands.size()) {
            throw new IllegalStateException("the guest stopped after " + frames.size() + " of " + commands.size() + " commands; console: " + tail(console));
        }
        return new Boot(wall, initSeen[0] < 0 ? -1 : initSeen[0] - start, SerialFrames.initNanos(out), peakRss, frames);
    }

    private static void readConsole(InputStream in, ByteArrayOutputStream console, long[] initSeen, long start) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0;) {
                synchronized (console) {
                    console.write(buf, 0, n);
                    if (initSeen[0] < 0 && console.toString(StandardCharsets.ISO_8859_1).contains("@@ISOBENCH INIT")) {
                        initSeen[0] = System.nanoTime();
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static String tail(ByteArrayOutputStream console) {
        synchronized (console) {
            String s = console.toString(StandardCharsets.ISO_8859_1).replaceAll("\\s+", " ").trim();
            return s.length() > 300 ? "..." + s.substring(s.length() - 300) : s;
        }
    }
}
