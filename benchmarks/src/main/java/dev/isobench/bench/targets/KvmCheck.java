package dev.isobench.bench.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.bench.vm.Qemu;
import dev.isobench.engine.files.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Trusts /dev/kvm only after a guest has booted under it. A KVM device can open read-write and still never run
 * a stock guest: on a VM whose KVM is paravirtual (PVM, as on the machines this project is built on) QEMU spins
 * at 100% system time after the guest's real-mode setup and the kernel never prints a line. So the same
 * kernel and initramfs are booted once under KVM with a short deadline; a guest that reaches /init and answers
 * proves KVM, and anything else makes the vm target fall back to TCG with the reason.
 *
 * <p>The verdict is cached per host boot, host kernel, QEMU and guest kernel (a file under the engine root), so a
 * hanging KVM costs one deadline per host boot, not one per run.
 */
public final class KvmCheck {
    /** A KVM guest reaches /init well within a second, and even TCG within a few: a KVM that takes longer hangs. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private KvmCheck() {}

    /** The verdict on one host: whether KVM ran a guest, and why not when it did not. */
    public record Verdict(boolean kvm, String reason, boolean cached) {}

    /**
     * QEMU as it should run here: unchanged when it already emulates or when a probe boot under KVM answered;
     * emulated, with the reason, when the probe boot did not.
     */
    public static Qemu settle(Qemu qemu, Path kernel, Path probe, Path workDir, Path cacheFile, Duration deadline) {
        if (!qemu.kvm()) return qemu;
        Verdict v = verdict(qemu, kernel, probe, workDir, cacheFile, deadline);
        return v.kvm() ? qemu.withNote(v.reason()) : qemu.emulated(v.reason());
    }

    /** The cached verdict for this host, QEMU and kernel, or a fresh one from a probe boot (then cached). */
    public static Verdict verdict(Qemu qemu, Path kernel, Path probe, Path workDir, Path cacheFile, Duration deadline) {
        String key = key(qemu, kernel, deadline);
        JsonNode cached = read(cacheFile);
        if (cached != null && key.equals(cached.path("key").asText())) {
            return new Verdict(cached.path("kvm").asBoolean(), cached.path("reason").asText(), true);
        }
        Verdict v = probeBoot(qemu, kernel, probe, workDir, deadline);
        write(cacheFile, key, v);
        return v;
    }

    private static Verdict probeBoot(Qemu qemu, Path kernel, Path probe, Path workDir, Duration deadline) {
        String limit = seconds(deadline);
        try {
            VmTarget.Boot b = new VmTarget(qemu, kernel, probe, workDir, deadline).boot(List.of(List.of("true")));
            if (b.frames().get(0).exitCode() != 0) {
                return new Verdict(false, "/dev/kvm present, but the guest's /probe true exited " + b.frames().get(0).exitCode() + " under KVM; using TCG", false);
            }
            return new Verdict(true, "KVM (a probe boot reached /init in " + seconds(Duration.ofNanos(b.wallNanos())) + " s)", false);
        } catch (VmTarget.GuestTimeout e) {
            return new Verdict(false, "/dev/kvm present but a guest did not reach /init within " + limit + " s under KVM; using TCG", false);
        } catch (RuntimeException e) {
            return new Verdict(false, "/dev/kvm present but a probe boot under KVM failed (" + e.getMessage() + "); using TCG", false);
        }
    }

    /** What the verdict depends on; the host's boot id makes a reboot (or a new machine) probe again. */
    private static String key(Qemu qemu, Path kernel, Duration deadline) {
        try {
            return String.join("|", Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip(),
                    System.getProperty("os.version"), qemu.version(), kernel.toRealPath().toString(), Long.toString(Files.size(kernel)),
                    Files.getLastModifiedTime(kernel).toString(), seconds(deadline));
        } catch (IOException e) {
            return "uncached-" + System.nanoTime(); // no boot id: probe every time rather than trust a stale verdict
        }
    }

    private static JsonNode read(Path cacheFile) {
        try {
            return Files.isRegularFile(cacheFile) ? JSON.readTree(cacheFile.toFile()) : null;
        } catch (IOException e) {
            return null; // damaged: probe again and overwrite it
        }
    }

    private static void write(Path cacheFile, String key, Verdict v) {
        ObjectNode n = JSON.createObjectNode().put("key", key).put("kvm", v.kvm()).put("reason", v.reason());
        try {
            Files.createDirectories(cacheFile.getParent());
            AtomicFile.write(cacheFile, tmp -> JSON.writeValue(tmp.toFile(), n));
        } catch (IOException e) {
            // an unwritable engine root only costs the next run another probe boot
        }
    }

    private static String seconds(Duration d) {
        double s = d.toNanos() / 1e9;
        return s >= 10 || s == Math.rint(s) ? Long.toString(Math.round(s)) : String.format(Locale.ROOT, "%.2f", s);
    }
}
