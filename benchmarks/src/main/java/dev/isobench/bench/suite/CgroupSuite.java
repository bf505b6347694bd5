package dev.isobench.bench.suite;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.targets.Target;
import dev.isobench.engine.cgroup.CgroupStats;
import dev.isobench.engine.cgroup.CgroupPath;
import dev.isobench.engine.cgroup.Controller;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.DeviceRate;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.Volume;
import dev.isobench.engine.sys.DeviceNumber;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How exactly the kernel enforces limits: CPU quota (achieved vs asked, over the run and in 100 ms windows,
 * measured from outside by the cgroup and from inside by the probe), shares fairness, memory at the OOM
 * kill, and the pids limit.
 */
public final class CgroupSuite implements Suite {
    static final String NAME = "cgroup";
    private static final long WINDOW_MS = 100;
    /** The CPUs a peer's own quota allows in peerQuota: half of one, where a single spinning thread must slow. */
    private static final double PEER_QUOTA = 0.5;
    /** The limit peerMemory sets: the probe allocates four times it. */
    private static final long PEER_MEMORY_MIB = 64;
    /** The share of the suite's budget for the quota and shares windows, and the shortest window that still shows a limit. */
    private static final double WINDOWS_SHARE = 0.6, MIN_WINDOW_SECONDS = 0.5;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(SuiteContext ctx) {
        Set<Controller> have = ctx.engine().cgroups().controllers();
        if (!ctx.wants("engine") || have.isEmpty()) {
            ctx.skip(NAME, "all", ctx.wants("engine") ? "this host has no usable cgroup hierarchy" : "the engine target was not selected");
            return;
        }
        Profile.Cgroup p = ctx.profile().cgroup();
        // The windows the suite spins for: the profile's length, shortened to fit the suite's share of the budget
        // (the fixed parts, memory, pids and I/O, take the rest); never under MIN_WINDOW_SECONDS
        int windows = p.quotaCpus().size() * p.quotaThreads().size() + p.shareRatios().size() + ctx.processTargets().size() + 1;
        double window = Math.max(MIN_WINDOW_SECONDS, Math.min(p.quotaSeconds(), WINDOWS_SHARE * ctx.budget().secondsLeft() / windows));
        if (have.contains(Controller.CPU) && have.contains(Controller.CPUACCT)) {
            for (double cpus : p.quotaCpus()) for (int threads : p.quotaThreads()) quota(ctx, cpus, threads, window);
        } else {
            ctx.skip(NAME, "cpu quota", "no cpu/cpuacct controller");
        }
        if (have.contains(Controller.CPU) && have.contains(Controller.CPUSET)) {
            for (int ratio : p.shareRatios()) fairness(ctx, ratio, window);
        } else {
            ctx.skip(NAME, "shares fairness", "needs the cpu and cpuset controllers");
        }
        if (have.contains(Controller.MEMORY)) for (int mib : p.memoryLimitsMib()) memory(ctx, mib);
        if (have.contains(Controller.PIDS)) for (int limit : p.pidsLimits()) pids(ctx, limit);
        if (ctx.vm().isPresent() && have.contains(Controller.CPU)) vmQuota(ctx);
        if (have.contains(Controller.CPU)) for (Target t : ctx.processTargets()) t.cpuLimited(PEER_QUOTA).ifPresent(limited -> peerQuota(ctx, t, limited, window));
        if (have.contains(Controller.MEMORY)) {
            for (Target t : ctx.processTargets()) t.memoryLimited(PEER_MEMORY_MIB << 20).ifPresent(limited -> peerMemory(ctx, t, limited));
        }
        if (have.contains(Controller.IO)) io(ctx);
        else ctx.skip(NAME, "io throttling", "no io/blkio controller here");
    }

    /**
     * A VM under a CPU quota set on its QEMU process from outside: the guest spins for two seconds of its own
     * time, unlimited and at 0.5 CPUs. Inside, the guest still counts its CPU time as fully used (no steal is
     * accounted under emulation); what shows is the work it gets done, as a ratio to the unlimited boot.
     */
    private void vmQuota(SuiteContext ctx) {
        var vm = ctx.vm().get();
        ctx.progress().step(NAME, "vm under a cpu quota (" + vm.variant() + ")");
        CgroupPath id = CgroupPath.ofContainer("vm-" + Long.toHexString(System.nanoTime()));
        double[] rounds = new double[2], cpuSeen = new double[2];
        double quota = 0.5;
        for (int i = 0; i < 2; i++) {
            List<Path> procs = List.of();
            if (i == 1) {
                ctx.engine().cgroups().create(id);
                ctx.engine().cgroups().apply(id, Limits.builder().cpus(quota).build());
                procs = ctx.engine().cgroups().joinFiles(id);
            }
            try {
                var boot = vm.boot(List.of(List.of("spin", "2")), procs);
                String out = boot.frames().get(0).output();
                ProbeOutput probe = new ProbeOutput(out);
                rounds[i] = probe.value("rounds");
                cpuSeen[i] = probe.value("cpu_s") / probe.value("wall_s");
            } catch (RuntimeException e) {
                ctx.skip(NAME, "vm under a cpu quota", e.getMessage());
                return;
            } finally {
                if (i == 1) ctx.engine().cgroups().destroy(id);
            }
        }
        Rows.Key k = new Rows.Key(NAME, "vm-quota", vm.name(), vm.variant(), "cpus=" + quota);
        ctx.write(k.row("work_vs_unlimited", "ratio", rounds[1] / rounds[0], 1));
        ctx.write(k.row("guest_cpu_seen", "cpus", cpuSeen[1], 1));
        ctx.write(new Rows.Key(NAME, "vm-quota", vm.name(), vm.variant(), "cpus=none").row("guest_cpu_seen", "cpus", cpuSeen[0], 1));
    }

    /**
     * A peer under a CPU quota it sets itself (runc's, crun's, gVisor's bundle; Docker's --cpus): one thread
     * spins for half the profile's quota time, unlimited and limited. What a user sees is the work done against the
     * unlimited run, and what the workload itself counts as its CPU time (gVisor's sentry keeps its own clock).
     */
    private static void peerQuota(SuiteContext ctx, Target plain, Target limited, double window) {
        ctx.progress().step(NAME, "quota " + PEER_QUOTA + " cpus on " + plain.label());
        // Half the engine's quota time: the work ratio needs no time series, and five peers ran it twice each
        List<String> spin = List.of("spin", Double.toString(window / 2), "1");
        Execution free = plain.run(spin);
        Execution held = limited.run(spin);
        if (free.exitCode() != 0 || held.exitCode() != 0) {
            Execution failed = free.exitCode() != 0 ? free : held;
            ctx.skip(NAME, "quota on " + plain.label(), "the probe exited " + failed.exitCode() + ": " + failed.stderr().trim());
            return;
        }
        Rows.Key k = new Rows.Key(NAME, "peer-quota", plain.name(), plain.variant(), "cpus=" + PEER_QUOTA);
        ProbeOutput heldOut = new ProbeOutput(held.stdout()), freeOut = new ProbeOutput(free.stdout());
        ctx.write(k.row("work_vs_unlimited", "ratio", heldOut.value("rounds") / freeOut.value("rounds"), 1));
        ctx.write(k.row("achieved_cpus_inside", "cpus", heldOut.value("cpu_s") / heldOut.value("wall_s"), 1));
    }

    /**
     * A peer under a memory limit it sets itself, swap included, while the probe allocates four times the limit:
     * whether the kernel's OOM killer ended it (exit 137, as Docker reports it) and how much it had touched.
     */
    private static void peerMemory(SuiteContext ctx, Target plain, Target limited) {
        ctx.progress().step(NAME, "memory " + PEER_MEMORY_MIB + "m on " + plain.label());
        Execution run = limited.run(List.of("alloc", Long.toString(PEER_MEMORY_MIB * 4)));
        if (run.exitCode() != 0 && run.exitCode() != 137) { // did not start (crun under Docker here), or failed otherwise
            ctx.skip(NAME, "memory limit on " + plain.label(), "the probe exited " + run.exitCode() + ": " + run.stderr().trim());
            return;
        }
        Rows.Key k = new Rows.Key(NAME, "peer-memory", plain.name(), plain.variant(), "limit_mib=" + PEER_MEMORY_MIB);
        ctx.write(k.row("oom_killed", "bool", run.exitCode() == 137 ? 1 : 0, 1));
        ctx.write(k.row("allocated_before_kill", "MiB", new ProbeOutput(run.stdout()).max("allocated_mib").orElse(0), 1));
    }

    /**
     * Write bandwidth under a throttle: direct I/O (what blkio/io.max govern) to a volume on the engine
     * root's disk, unlimited and at two limits, as achieved MB/s and achieved/limit.
     */
    private void io(SuiteContext ctx) {
        Path dir = ctx.workspace().scratch().resolve("io");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        DeviceNumber d = DeviceNumber.ofFilesystem(dir);
        int major = d.major(), minor = d.minor();
        if (!Files.exists(Path.of("/sys/dev/block/" + major + ":" + minor))) {
            ctx.skip(NAME, "io throttling", "the engine root is not on a block device (" + major + ":" + minor + ")");
            return;
        }
        for (long limitMb : new long[] {0, 8, 32}) {
            ctx.progress().step(NAME, "io write " + (limitMb == 0 ? "unlimited" : limitMb + " MB/s"));
            Limits.Builder l = Limits.builder();
            if (limitMb > 0) l.writeBps(List.of(new DeviceRate(major, minor, limitMb * 1_000_000)));
            long mib = limitMb == 0 ? 64 : Math.max(8, limitMb * 2); // about two seconds under each limit
            Container c = start(ctx, ContainerSpec.builder().limits(l.build()).volume(Volume.parse(dir + ":/data"))
                    .command("/probe", "dio-write", "/data/f-" + limitMb, Long.toString(mib)));
            try {
                int code = c.waitFor();
                String out = Files.readString(log(ctx, c));
                if (code != 0) {
                    ctx.skip(NAME, "io throttling", "direct I/O failed: " + out.trim());
                    return;
                }
                String[] f = new ProbeOutput(out).fields("bytes").get(0); // bytes B nanos N
                double mbps = Double.parseDouble(f[1]) / 1e6 / (Double.parseDouble(f[3]) / 1e9);
                Rows.Key k = new Rows.Key(NAME, "io-write", "engine", "", "limit_mb_s=" + (limitMb == 0 ? "none" : Long.toString(limitMb)));
                ctx.write(k.row("achieved", "MB/s", mbps, 1));
                if (limitMb > 0) ctx.write(k.row("achieved_vs_limit", "ratio", mbps / limitMb, 1));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                c.delete();
            }
        }
    }

    private void quota(SuiteContext ctx, double cpus, int threads, double seconds) {
        ctx.progress().step(NAME, String.format("quota %.2f cpus x %d", cpus, threads));
        Container c = start(ctx, ContainerSpec.builder().limits(Limits.builder().cpus(cpus).build())
                .command("/probe", "spin", Double.toString(seconds), Integer.toString(threads)));
        String param = String.format("cpus=%s,threads=%d", trim(cpus), threads);
        try {
            List<double[]> series = new ArrayList<>();
            CgroupStats first = c.stats();
            long t0 = System.nanoTime();
            long prevT = t0;
            long prevUsage = first.cpuUsageNanos();
            long end;
            while (true) {
                // The window closes when the workload exits, not at the next tick: a sleep there put up to a tick
                // of idle time into the window, and the outside figure fell below the workload's own.
                boolean exited = exitedWithin(c, WINDOW_MS);
                long now = System.nanoTime();
                if (exited || !c.state().canKill()) {
                    end = now;
                    break;
                }
                CgroupStats s = c.stats();
                series.add(new double[] {(now - t0) / 1e6, (s.cpuUsageNanos() - prevUsage) / (double) (now - prevT)});
                prevT = now;
                prevUsage = s.cpuUsageNanos();
            }
            c.waitFor();
            CgroupStats last = c.stats();
            double wall = (end - t0) / 1e9;
            double achieved = (last.cpuUsageNanos() - first.cpuUsageNanos()) / 1e9 / wall;
            double expected = Math.min(cpus, threads);
            double inside = probeCpus(ctx, c);
            Rows.Key k = new Rows.Key(NAME, "cpu-quota", "engine", "", param);
            ctx.write(k.row("achieved_cpus", "cpus", achieved, 1));
            ctx.write(k.row("achieved_cpus_inside", "cpus", inside, 1));
            ctx.write(k.row("error", "percent", (achieved - expected) / expected * 100, 1));
            ctx.write(k.row("throttled_periods", "ratio", last.nrPeriods() > 0 ? last.nrThrottled() / (double) last.nrPeriods() : 0, last.nrPeriods()));
            double[] windows = series.stream().mapToDouble(w -> w[1]).toArray();
            if (windows.length > 0) Rows.summary(ctx, new Rows.Key(NAME, "cpu-quota-window", "engine", "", param), "cpus", windows);
            for (double[] w : series) {
                ctx.write(new Rows.Key(NAME, "cpu-quota-timeseries", "engine", "", param + String.format(",t_ms=%.0f", w[0])).row("cpus", "cpus", w[1], 1));
            }
        } finally {
            c.delete();
        }
    }

    /**
     * Whether the container's first process exits within {@code millis}, through a pidfd (which any process can
     * poll, not only its parent, the monitor); one already reaped counts as exited.
     */
    private static boolean exitedWithin(Container c, long millis) {
        try {
            return Native.awaitExit(c.pid(), (int) millis);
        } catch (EngineException e) {
            return true; // pidfd_open: ESRCH, the process was reaped meanwhile
        }
    }

    private static double probeCpus(SuiteContext ctx, Container c) {
        try {
            ProbeOutput out = new ProbeOutput(Files.readString(log(ctx, c)));
            double wall = out.first("wall_s").orElse(0), cpu = out.first("cpu_s").orElse(0);
            return wall > 0 ? cpu / wall : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** Two busy containers on one CPU with shares 1024 and 1024*ratio: the CPU should split 1:ratio. */
    private void fairness(SuiteContext ctx, int ratio, double window) {
        ctx.progress().step(NAME, "shares 1:" + ratio);
        String seconds = Double.toString(window);
        Container a = start(ctx, ContainerSpec.builder().limits(Limits.builder().cpuShares(1024).cpusetCpus("0").build()).command("/probe", "spin", seconds));
        Container b;
        try {
            b = start(ctx, ContainerSpec.builder().limits(Limits.builder().cpuShares(1024L * ratio).cpusetCpus("0").build()).command("/probe", "spin", seconds));
        } catch (RuntimeException e) {
            a.delete();
            throw e;
        }
        try {
            // Counted only while both spin: a runs alone while b is created, and b alone once a is done, which
            // read 1:4 as 3.88-3.95 in every run.
            CgroupStats a0 = a.stats(), b0 = b.stats();
            while (!exitedWithin(a, WINDOW_MS) && !exitedWithin(b, 0)) {
                // a started first, so it ends first; b is looked at too, in case
            }
            CgroupStats a1 = a.stats(), b1 = b.stats();
            a.waitFor();
            b.waitFor();
            double got = (b1.cpuUsageNanos() - b0.cpuUsageNanos()) / (double) Math.max(1, a1.cpuUsageNanos() - a0.cpuUsageNanos());
            Rows.Key k = new Rows.Key(NAME, "cpu-shares", "engine", "", "ratio=1:" + ratio);
            ctx.write(k.row("achieved_ratio", "ratio", got, 2));
            ctx.write(k.row("error", "percent", (got - ratio) / ratio * 100, 2));
        } finally {
            a.delete();
            b.delete();
        }
    }

    private void memory(SuiteContext ctx, int mib) {
        ctx.progress().step(NAME, "memory " + mib + "m");
        long limit = (long) mib << 20;
        Container c = start(ctx, ContainerSpec.builder().limits(Limits.builder().memory(limit).build())
                .command("/probe", "alloc", Integer.toString(mib * 4)));
        try {
            int code = c.waitFor();
            CgroupStats s = c.stats();
            Rows.Key k = new Rows.Key(NAME, "memory-oom", "engine", "", "limit_mib=" + mib);
            ctx.write(k.row("oom_killed", "bool", c.oomKilled() && code == 137 ? 1 : 0, 1));
            ctx.write(k.row("peak_vs_limit", "ratio", s.memoryPeak() / (double) limit, 1));
            double allocated = new ProbeOutput(Files.readString(log(ctx, c))).max("allocated_mib").orElse(0);
            ctx.write(k.row("allocated_before_kill", "MiB", allocated, 1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            c.delete();
        }
    }

    private void pids(SuiteContext ctx, int limit) {
        ctx.progress().step(NAME, "pids " + limit);
        Container c = start(ctx, ContainerSpec.builder().limits(Limits.builder().pids(limit).build())
                .command("/probe", "forks", Integer.toString(limit * 2)));
        try {
            c.waitFor();
            long forks = (long) new ProbeOutput(Files.readString(log(ctx, c))).first("forks_ok").orElse(-1);
            Rows.Key k = new Rows.Key(NAME, "pids-limit", "engine", "", "limit=" + limit);
            ctx.write(k.row("processes_reached", "count", forks + 1, 1));
            ctx.write(k.row("error", "count", forks + 1 - limit, 1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            c.delete();
        }
    }

    private static Container start(SuiteContext ctx, ContainerSpec.Builder spec) {
        Path scratch = ctx.workspace().scratch();
        try {
            Files.createDirectories(scratch);
            Path log = Files.createTempFile(scratch, "cg", ".log");
            Container c = ctx.engine().create(spec.stdio(Stdio.toFiles(log, log)).build());
            Files.move(log, scratch.resolve(c.id() + ".log"));
            c.start();
            return c;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path log(SuiteContext ctx, Container c) {
        return ctx.workspace().scratch().resolve(c.id() + ".log");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
