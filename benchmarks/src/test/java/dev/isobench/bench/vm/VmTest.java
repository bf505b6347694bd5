package dev.isobench.bench.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.bench.targets.KvmCheck;
import dev.isobench.bench.targets.VmTarget;
import dev.isobench.engine.Engine;
import dev.isobench.engine.files.NativeBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initramfs writer, the serial frames, and a real boot of the probe under QEMU (TCG where no KVM). */
@Tag("integration")
class VmTest {
    @TempDir
    Path dir;

    @Test
    void cpioListsTheInitramfsEntriesWithTheConsoleAsACharDevice() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cpio")), "needs cpio (apt-get install cpio; scripts/setup --test installs it)");
        Path archive = dir.resolve("initramfs.cpio");
        Initramfs.withProbe("#!probe".getBytes()).file("etc/x", "hello".getBytes(), 0644).writeTo(archive);
        Process p = new ProcessBuilder("cpio", "-itv", "--quiet").redirectInput(archive.toFile()).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor());
        assertEquals(List.of("dev", "dev/console", "proc", "sys", "tmp", "init", "etc/x"), lines.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
        String console = lines.get(1);
        assertTrue(console.startsWith("crw-------") && console.contains("5,") && console.contains("1 "), console);
        assertTrue(lines.get(5).startsWith("-rwxr-xr-x") && lines.get(5).contains(" 7 "), lines.get(5));
        Process x = new ProcessBuilder("cpio", "-i", "--quiet", "--to-stdout", "etc/x").redirectInput(archive.toFile()).start();
        assertEquals("hello", new String(x.getInputStream().readAllBytes()));
    }

    @Test
    void framesAreCheckedAndADamagedOneIsRefused() {
        String good = "noise\n@@ISOBENCH INIT 123\n\n@@ISOBENCH BEGIN 0 3 5 3610a686\nhello\n@@ISOBENCH END\n@@ISOBENCH DONE\n";
        List<SerialFrames.Frame> frames = SerialFrames.parse(good.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of(new SerialFrames.Frame(0, 3, "hello")), frames);
        assertEquals(123, SerialFrames.initNanos(good.getBytes()).getAsLong());
        String damaged = good.replace("hello", "hellp");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SerialFrames.parse(damaged.getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        String cut = "@@ISOBENCH BEGIN 0 0 50 00000000\nshort";
        assertThrows(IllegalStateException.class, () -> SerialFrames.parse(cut.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aMissingKernelIsNamedWithTheWayToGetOne() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Qemu.kernel(Optional.of(Path.of("/no/such/vmlinuz")), dir));
        assertTrue(e.getMessage().contains("--vm-kernel /no/such/vmlinuz"), e.getMessage());
    }

    /**
     * A real boot on whatever this host has: KVM where a probe boot proved it, else TCG, so a KVM that hangs
     * (nested or paravirtual) exercises the fallback here instead of failing.
     */
    @Test
    void theProbeBootsAsInitRunsEachCommandAndReportsItsExitCode() {
        Qemu qemu = KvmCheck.settle(qemuOrSkip(), kernelOrSkip(), probe(), dir.resolve("check"), dir.resolve("kvm-check.json"), KvmCheck.DEADLINE);
        VmTarget vm = new VmTarget(qemu, kernelOrSkip(), probe(), dir.resolve("vm"), Duration.ofSeconds(300));
        assertEquals(qemu.kvm() ? "kvm" : "emulated", vm.variant());
        VmTarget.Boot boot = vm.boot(List.of(List.of("true"), List.of("exit", "3"), List.of("echo", "from", "the", "guest")));
        assertEquals(List.of(0, 3, 0), boot.frames().stream().map(SerialFrames.Frame::exitCode).toList());
        assertEquals("from the guest\n", boot.frames().get(2).output());
        assertTrue(boot.guestInitNanos().isPresent() && boot.hostToInitNanos() > 0 && boot.wallNanos() > boot.hostToInitNanos());
        assertTrue(boot.peakRssBytes() > 0, "QEMU's peak RSS was read");
    }

    /**
     * KVM that does not answer by the deadline: the verdict says so and why, the vm target falls back to TCG,
     * and the next run on this host boot reads the cached verdict instead of booting again. The deadline is too
     * short for any guest, so the fallback is exercised with or without /dev/kvm (where QEMU cannot open KVM, the
     * probe boot fails at once, which falls back the same way).
     */
    @Test
    void aKvmThatDoesNotAnswerFallsBackToTcgWithTheReasonAndTheVerdictIsCached() {
        Qemu installed = qemuOrSkip();
        Qemu claimed = new Qemu(installed.binary(), installed.version(), true, "KVM");
        Path cache = dir.resolve("kvm-check.json");
        Duration tooShort = Duration.ofMillis(50);
        KvmCheck.Verdict first = KvmCheck.verdict(claimed, kernelOrSkip(), probe(), dir.resolve("check"), cache, tooShort);
        assertFalse(first.kvm());
        assertFalse(first.cached());
        assertTrue(first.reason().startsWith("/dev/kvm present but a") && first.reason().endsWith("; using TCG"), first.reason());
        if (Files.exists(Path.of("/dev/kvm"))) assertTrue(first.reason().contains("did not reach /init within 0.05 s"), first.reason());
        KvmCheck.Verdict again = KvmCheck.verdict(claimed, kernelOrSkip(), probe(), dir.resolve("check"), cache, tooShort);
        assertEquals(new KvmCheck.Verdict(false, first.reason(), true), again);
        Qemu settled = KvmCheck.settle(claimed, kernelOrSkip(), probe(), dir.resolve("check"), cache, tooShort);
        assertEquals("emulated", settled.variant());
        assertEquals("tcg", settled.accelerator());
        assertEquals(first.reason(), settled.accelNote());
    }

    @Test
    void anEmulatingQemuIsTakenAsItIsWithoutAProbeBoot() {
        Qemu tcg = new Qemu(Path.of("/no/such/qemu"), "none", false, "no /dev/kvm: software emulation (TCG)");
        assertSame(tcg, KvmCheck.settle(tcg, Path.of("/no/such/vmlinuz"), Path.of("/no/such/probe"), dir, dir.resolve("c.json"), KvmCheck.DEADLINE));
        assertFalse(Files.exists(dir.resolve("c.json")));
    }

    /** A guest that hangs costs one deadline: the target's later boots are refused at once with the first reason. */
    @Test
    void afterAFailedBootTheTargetsLaterBootsAreRefusedWithTheReason() {
        Qemu tcg = qemuOrSkip().emulated("software emulation (TCG)");
        VmTarget vm = new VmTarget(tcg, kernelOrSkip(), probe(), dir.resolve("vm"), Duration.ofMillis(1));
        IllegalStateException hung = assertThrows(VmTarget.GuestTimeout.class, () -> vm.boot(List.of(List.of("true"))));
        assertTrue(hung.getMessage().contains("did not finish within 0.001 s under tcg"), hung.getMessage());
        // The message names the first failure, not a boot of its own: no QEMU was started for it.
        IllegalStateException later = assertThrows(IllegalStateException.class, () -> vm.boot(List.of(List.of("true"))));
        assertEquals("skipped: an earlier boot of this VM failed (" + hung.getMessage() + ")", later.getMessage());
    }

    private Path probe() {
        return NativeBinaries.unpack(dir.resolve("root")).probe();
    }

    private static Qemu qemuOrSkip() {
        try {
            return Qemu.find();
        } catch (IllegalStateException e) {
            assumeTrue(false, "no VM here: " + e.getMessage() + " (scripts/setup --test installs QEMU)");
            throw e;
        }
    }

    private static Path kernelOrSkip() {
        try {
            return Qemu.kernel(Optional.empty(), Engine.DEFAULT_ROOT);
        } catch (IllegalStateException e) {
            assumeTrue(false, "no guest kernel here: " + e.getMessage() + " (scripts/setup --test fetches one)");
            throw e;
        }
    }
}
