package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.engine.cgroup.CgroupStats;
import dev.isobench.engine.cgroup.Controller;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.DeviceRate;
import dev.isobench.engine.spec.DeviceRule;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Limits enforced by the real kernel, on whatever cgroup version this host has. Assertions are properties
 * (a quota caps what a group uses and throttles it, peak memory vs limit, process counts), never timings, and
 * never a share a container gets only on an idle machine: on a busy one it gets less, and only the cap holds.
 */
@Tag("integration")
class CgroupLimitsTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    private void assumeController(Controller c) {
        assumeTrue(t.engine().cgroups().controllers().contains(c), "needs the " + c + " controller");
    }

    @Test
    void cpuQuotaOfHalfACpuGivesHalfACpu() throws Exception {
        assumeController(Controller.CPU);
        assumeController(Controller.CPUACCT);
        Container c = t.start(ContainerSpec.builder().limits(Limits.builder().cpus(0.5).build()).command("/probe", "spin", "3"));
        CgroupStats first = c.stats();
        long start = System.nanoTime();
        assertEquals(0, c.waitFor());
        double cpus = (c.stats().cpuUsageNanos() - first.cpuUsageNanos()) / (double) (System.nanoTime() - start);
        assertTrue(cpus > 0.02 && cpus <= 0.55, "at most half a CPU used over the spin: " + cpus);
        assertTrue(c.stats().nrThrottled() > 0, "a spinning process under quota is throttled: the quota, not the machine, held it");
        c.delete();
    }

    @Test
    void memoryLimitEndsInAnOomKillWithPeakAtMostTheLimit() {
        assumeController(Controller.MEMORY);
        long limit = 32L << 20;
        Container c = t.start(ContainerSpec.builder().limits(Limits.builder().memory(limit).build()).command("/probe", "alloc", "200"));
        assertEquals(137, c.waitFor());
        assertEquals(ContainerState.OOM_KILLED, c.state());
        CgroupStats s = c.stats();
        assertTrue(s.oomKills() >= 1, "oom_kill counter: " + s);
        assertTrue(s.memoryPeak() <= limit, "peak " + s.memoryPeak() + " above limit " + limit);
        assertEquals(limit, s.memoryLimit());
        c.delete();
    }

    @Test
    void pidsLimitOfTwentyAllowsTwentyProcessesAndNotTwentyOne() {
        assumeController(Controller.PIDS);
        TestEngine.Result r = t.run(ContainerSpec.builder().limits(Limits.builder().pids(20).build()).command("/probe", "forks", "50"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(List.of("forks_ok 19"), r.lines(), "PID 1 and 19 children make 20");
    }

    @Test
    void cpusetPinsToCpuZero() {
        assumeController(Controller.CPUSET);
        String status = t.run(ContainerSpec.builder().limits(Limits.builder().cpusetCpus("0").build()).command("/probe", "status")).stdout();
        assertTrue(status.contains("Cpus_allowed_list:\t0\n"), status);
    }

    /** cpuset.mems is written as given: node 0 is every host's; a node the host lacks is the kernel's refusal, by name. */
    @Test
    void cpusetMemsIsWrittenAndTheKernelJudgesIt() {
        assumeController(Controller.CPUSET);
        String status = t.run(ContainerSpec.builder().limits(Limits.builder().cpusetMems("0").build()).command("/probe", "status")).stdout();
        assertTrue(status.contains("Mems_allowed_list:\t0\n"), status);
        RuntimeException e = assertThrows(RuntimeException.class, () -> t.engine().create(ContainerSpec.builder().image("probe").command("/probe", "true")
                .limits(Limits.builder().cpusetMems("63").build()).build()));
        assertTrue(e.getMessage().contains("cpuset.mems"), e.getMessage());
        t.assertNoLeftovers();
    }

    @Test
    void updateChangesARunningContainersQuotaAndUsageFollows() throws Exception {
        assumeController(Controller.CPU);
        assumeController(Controller.CPUACCT);
        Container c = t.start(ContainerSpec.builder().limits(Limits.builder().cpus(0.5).build()).command("/probe", "spin", "4"));
        Thread.sleep(300); // past the probe's start: the rates are of its spin
        double before = rate(c, 1200);
        c.update(Limits.builder().cpus(0.25).build());
        Thread.sleep(300);
        long throttled = c.stats().nrThrottled();
        double after = rate(c, 1200);
        assertTrue(before <= 0.55, "before the update, at most half a CPU: " + before);
        assertTrue(after > 0.01 && after <= 0.3, "after it, at most a quarter: " + after);
        assertTrue(c.stats().nrThrottled() > throttled, "and the new quota throttles the spin: it is what holds it");
        c.kill(9);
        c.waitFor();
        c.delete();
    }

    @Test
    void cgroupNamespaceShowsTheContainerAsRoot() {
        assumeTrue(!t.engine().cgroups().version().equals("none"), "needs cgroups");
        String self = t.run(ContainerSpec.builder().withNamespace(Namespace.CGROUP).command("/probe", "cat", "/proc/self/cgroup")).stdout();
        List<String> groups = self.lines().filter(line -> line.contains("cpu") || line.contains("memory") || line.startsWith("0::")).toList();
        assertFalse(groups.isEmpty(), "the container's /proc/self/cgroup names its cpu or memory group: " + self);
        for (String line : groups) assertTrue(line.endsWith(":/"), "inside its cgroup namespace the container is at the root: " + line);
    }

    @Test
    void limitsTheHostCannotEnforceAreRefusedBeforeAnythingIsMade() {
        EngineException e = assertThrows(EngineException.class, () -> t.engine().create(ContainerSpec.builder()
                .limits(Limits.builder().cpusetCpus("0-63").memory(1 << 20).build()).build()));
        assertTrue(e.getMessage().contains("--cpuset-cpus 0-63 names CPUs that are not online"), e.getMessage());
        assertTrue(e.getMessage().contains("--memory must be at least 6m"), e.getMessage());
        t.assertNoLeftovers();
    }

    private static double rate(Container c, long millis) throws InterruptedException {
        long u0 = c.stats().cpuUsageNanos();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        return (c.stats().cpuUsageNanos() - u0) / (double) (System.nanoTime() - t0);
    }

    /** The last device rule that matches decides: a v1 devices list, a v2 BPF device program, the same outcome. */
    @Test
    void aDeviceRuleDecidesWhetherANodeOpens() {
        assumeTrue(!t.engine().cgroups().version().equals("none"), "needs cgroups");
        TestEngine.Result open = t.run(ContainerSpec.builder().command("/probe", "cat", "/dev/null"));
        assertEquals(0, open.exitCode(), "the default list lets /dev/null open: " + open.stderr());
        Limits deny = Limits.builder().deviceRules(List.of(new DeviceRule(false, "c 1:3 rwm"))).build();
        TestEngine.Result denied = t.run(ContainerSpec.builder().limits(deny).command("/probe", "cat", "/dev/null"));
        assertEquals(1, denied.exitCode(), "a deny rule for 1:3 stops the open: " + denied.stdout() + denied.stderr());
        assertTrue(denied.stderr().contains("Operation not permitted"), denied.stderr());
        Limits again = Limits.builder().deviceRules(List.of(new DeviceRule(false, "c 1:3 rwm"), new DeviceRule(true, "c 1:3 r"))).build();
        TestEngine.Result reading = t.run(ContainerSpec.builder().limits(again).command("/probe", "cat", "/dev/null"));
        assertEquals(0, reading.exitCode(), "a later allow of reading it decides for a read: " + reading.stderr());
    }

    /** A read rate on a real disk lands in the group's throttle file: blkio.throttle.read_bps_device on v1, io.max on v2. */
    @Test
    void aReadRateOnADiskIsWrittenToTheGroupsThrottle() throws IOException {
        assumeController(Controller.IO);
        Optional<String> disk;
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            disk = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("(vd|sd|nvme|xvd).*")).sorted().findFirst();
        }
        assumeTrue(disk.isPresent(), "needs a disk (vd*, sd*, nvme*, xvd*) in /sys/block");
        String[] mm = Files.readString(Path.of("/sys/block", disk.get(), "dev")).trim().split(":");
        DeviceRate rate = new DeviceRate(Integer.parseInt(mm[0]), Integer.parseInt(mm[1]), 1048576);
        Container c = t.start(ContainerSpec.builder().limits(Limits.builder().readBps(List.of(rate)).build()).command("/probe", "spin", "30"));
        String throttle = "";
        for (Path root : t.engine().cgroups().roots()) {
            for (String f : List.of("io.max", "blkio.throttle.read_bps_device")) {
                Path file = c.cgroup().in(root).resolve(f);
                if (Files.exists(file)) throttle += Files.readString(file);
            }
        }
        c.delete();
        String device = mm[0] + ":" + mm[1];
        assertTrue(throttle.contains(device + " rbps=1048576") || throttle.contains(device + " 1048576"), "the throttle of " + device + ": " + throttle);
    }
}
