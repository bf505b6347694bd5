package dev.isobench.bench.vm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The hypervisor side: QEMU's x86_64 system emulator from the distribution, with KVM when /dev/kvm can be
 * opened read-write and TCG (software emulation) otherwise, in which case every result is labelled
 * {@code emulated}.
 */
public record Qemu(Path binary, String version, boolean kvm, String accelNote) {
    public static final String BINARY = "qemu-system-x86_64";

    /** Finds QEMU, or says why there is none. */
    public static Qemu find() {
        Path binary = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, BINARY);
            if (Files.isExecutable(p)) {
                binary = p;
                break;
            }
        }
        if (binary == null) throw new IllegalStateException(BINARY + " is not installed (apt-get install qemu-system-x86)");
        String version = firstLine(binary);
        Path dev = Path.of("/dev/kvm");
        if (!Files.exists(dev)) return new Qemu(binary, version, false, "no /dev/kvm: software emulation (TCG)");
        try (FileChannel ch = FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new Qemu(binary, version, true, "KVM");
        } catch (IOException | SecurityException e) {
            return new Qemu(binary, version, false, "/dev/kvm present but not usable (" + e.getMessage() + "): software emulation (TCG)");
        }
    }

    /** QEMU's -accel value. */
    public String accelerator() {
        return kvm ? "kvm" : "tcg";
    }

    /** The same QEMU under software emulation, for the reason given (a KVM that did not prove itself). */
    public Qemu emulated(String reason) {
        return new Qemu(binary, version, false, reason);
    }

    /** The same QEMU, its accelerator described anew. */
    public Qemu withNote(String note) {
        return new Qemu(binary, version, kvm, note);
    }

    public String variant() {
        return kvm ? "kvm" : "emulated";
    }

    private static String firstLine(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
            p.waitFor();
            return out.trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The guest kernel: --vm-kernel, else ROOT/vm/vmlinuz (scripts/vm-kernel puts it there), else the host's /boot. */
    public static Path kernel(Optional<Path> given, Path engineRoot) {
        if (given.isPresent()) {
            if (!Files.isReadable(given.get())) throw new IllegalStateException("--vm-kernel " + given.get() + " is not a readable file");
            return given.get();
        }
        for (Path p : List.of(engineRoot.resolve("vm").resolve("vmlinuz"), Path.of("/var/lib/isobench/vm/vmlinuz"))) {
            if (Files.isReadable(p)) return p;
        }
        try (var s = Files.list(Path.of("/boot"))) {
            Optional<Path> host = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-") && Files.isReadable(p)).sorted().reduce((a, b) -> b);
            if (host.isPresent()) return host.get();
        } catch (IOException e) {
            // no /boot: fall through to the reason below
        }
        throw new IllegalStateException("no guest kernel: pass --vm-kernel FILE, or run scripts/vm-kernel (the host has no /boot/vmlinuz-*)");
    }
}
