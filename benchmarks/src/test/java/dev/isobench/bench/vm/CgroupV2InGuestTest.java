package dev.isobench.bench.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.engine.Engine;
import dev.isobench.engine.files.NativeBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's own cgroup tests where cgroup v2 is the only hierarchy: a guest (same Debian kernel as the vm target,
 * under TCG, so the outcome does not hang on this host's KVM) mounts cgroup2 alone and runs CgroupLimitsTest,
 * OciCgroupsPathTest and ForeignCgroupsTest against the real kernel's v2 files (subtree_control delegation, cpu.max,
 * memory.max with memory.events' oom_kill, pids.max, cpuset, io.max on a virtio disk, a device program, update,
 * stats, the cgroup namespace's view, cgroupsPath chains, gc of groups left behind), the container born in its group
 * (CLONE_INTO_CGROUP). Each test must pass there, none skipped for want of v2. These classes and no more: they are
 * the engine's cgroup code; the rest of the suite is the same on v1 and v2, and every class costs JVM time under TCG.
 */
@Tag("integration")
class CgroupV2InGuestTest {
    private static final List<String> CLASSES = List.of("dev.isobench.engine.CgroupLimitsTest", "dev.isobench.engine.oci.OciCgroupsPathTest",
            "dev.isobench.engine.ForeignCgroupsTest");

    @TempDir
    Path dir;

    @Test
    void theEnginesCgroupTestsPassOnARealV2Hierarchy() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/proc/self/ns")) || "root".equals(System.getProperty("user.name")), "needs root (QEMU's 9p passthrough)");
        Qemu qemu;
        Guest guest;
        try {
            qemu = Qemu.find().emulated("TCG: a guest's outcome must not depend on this host's KVM");
            guest = Guest.of(qemu, Qemu.kernel(Optional.empty(), Engine.DEFAULT_ROOT));
        } catch (IllegalStateException e) {
            assumeTrue(false, "no guest here: " + e.getMessage() + " (scripts/setup installs QEMU and runs scripts/vm-kernel)");
            return;
        }
        Path probe = NativeBinaries.unpack(dir.resolve("bin")).probe();
        String script = "echo \"@@V2 $(cat /sys/fs/cgroup/cgroup.controllers)\"\n"
                + "exec java -Djava.io.tmpdir=/var/tmp -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + Guest.classPath() + "' "
                + GuestJUnit.class.getName() + " " + String.join(" ", CLASSES) + "\n";
        Guest.Outcome o = guest.run(probe, dir.resolve("job"), script, Duration.ofMinutes(8));
        assertEquals(0, o.exitCode(), "the guest's job: " + Guest.why(o));
        List<String> lines = o.console().lines().filter(l -> l.startsWith("@@")).toList();
        String controllers = lines.stream().filter(l -> l.startsWith("@@V2 ")).findFirst().orElse("none");
        for (String c : List.of("cpu", "memory", "pids", "cpuset", "io")) assertTrue(controllers.contains(c), "v2 controllers in the guest: " + controllers);
        List<String> tests = lines.stream().filter(l -> l.startsWith("@@TEST ")).toList();
        tests.forEach(System.out::println); // the report keeps which tests ran in the guest
        assertTrue(tests.size() >= 10, "the tests ran in the guest: " + lines);
        assertEquals(List.of(), tests.stream().filter(l -> !l.startsWith("@@TEST ok ")).toList(), "every test passes on v2, none skipped");
    }
}
