package dev.isobench.bench.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.bench.target.VmTarget;
import dev.isobench.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initramfs writer, the serial frames, and a real boot of the probe under QEMU (TCG where no KVM). */
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

    @Test
    void theProbeBootsAsInitRunsEachCommandAndReportsItsExitCode() {
        assumeTrue(dev.isobench.engine.sys.Native.isRoot(), "needs root for the engine's binaries (CI runs as root)");
        Qemu qemu;
        Path kernel;
        try {
            qemu = Qemu.find();
            kernel = Qemu.kernel(Optional.empty(), Engine.DEFAULT_ROOT);
        } catch (IllegalStateException e) {
            assumeTrue(false, "no VM here: " + e.getMessage() + " (scripts/setup --test installs QEMU and a kernel)");
            return;
        }
        Engine engine = Engine.open(dir.resolve("root"));
        VmTarget vm = new VmTarget(qemu, kernel, engine.binaries().probe(), dir.resolve("vm"), 300);
        assertEquals(qemu.kvm() ? "kvm" : "emulated", vm.variant());
        VmTarget.Boot boot = vm.boot(List.of(List.of("true"), List.of("exit", "3"), List.of("echo", "from", "the", "guest")));
        assertEquals(List.of(0, 3, 0), boot.frames().stream().map(SerialFrames.Frame::exitCode).toList());
        assertEquals("from the guest\n", boot.frames().get(2).output());
        assertTrue(boot.guestInitNanos().isPresent() && boot.hostToInitNanos() > 0 && boot.wallNanos() > boot.hostToInitNanos());
        assertTrue(boot.peakRssBytes() > 0, "QEMU's peak RSS was read");
    }
}
