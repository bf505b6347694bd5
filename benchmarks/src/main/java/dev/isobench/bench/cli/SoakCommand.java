package dev.isobench.bench.cli;

import dev.isobench.engine.Engine;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.net.Leases;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Soak: many create/start/delete cycles, one at a time per rootfs mode and then several in flight, with
 * every kind of leftover counted before and after: mounts, cgroups, veths, network namespaces, leases,
 * port proxies, the engine's own fds, zombie children, bytes under the state dir, and the engine's heap.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false, description = {
        "Run create, start and delete cycles and print what leaked (nothing, when all is well). Needs root."})
public final class SoakCommand implements Callable<Integer> {
    @Option(names = "--cycles", defaultValue = "1000", description = "Sequential cycles per rootfs mode. Default: ${DEFAULT-VALUE}.")
    int cycles;

    @Option(names = "--parallel-cycles", defaultValue = "200", description = "Cycles run with --in-flight at once. Default: ${DEFAULT-VALUE}.")
    int parallelCycles;

    @Option(names = "--in-flight", defaultValue = "8", description = "Containers in flight in the parallel part. Default: ${DEFAULT-VALUE}.")
    int inFlight;

    @Option(names = "--net", defaultValue = "bridge", description = "none or bridge (veth, lease, hosts file each cycle). Default: ${DEFAULT-VALUE}.")
    String net;

    @Option(names = "--root", paramLabel = "DIR", description = "Engine state (default: a fresh directory under /var/lib/isobench-soak).")
    Path root;

    @Override
    public Integer call() throws Exception {
        if (!Native.isRoot()) throw new EngineException("isobench soak needs root: it creates containers (run it with sudo)");
        NetworkMode mode = NetworkMode.valueOf(net.toUpperCase());
        Path dir = root != null ? root : Files.createDirectories(Path.of("/var/lib/isobench-soak")).resolve("run-" + ProcessHandle.current().pid());
        Engine engine = Engine.open(dir);
        Path log = Files.createDirectories(dir.resolve("soak")).resolve("out");
        // Warm-up of every path (binaries unpacked, images built, classes loaded, the thread pool's own
        // resources made), so that what the JVM opens once is not counted as a leak.
        cycle(engine, mode, RootfsMode.OVERLAY, log);
        cycle(engine, mode, RootfsMode.COPY, log);
        parallel(engine, mode, inFlight, log);
        engine.close(); // background removals done and the spare monitor gone, before and after: counts at rest
        Map<String, Long> before = counts(engine);
        Set<String> fdsBefore = fdTargets();
        long heapWarm = 0;
        for (RootfsMode rootfs : List.of(RootfsMode.OVERLAY, RootfsMode.COPY)) {
            long start = System.nanoTime();
            for (int i = 0; i < cycles; i++) {
                cycle(engine, mode, rootfs, log);
                if (rootfs == RootfsMode.OVERLAY && i == cycles / 10) heapWarm = heapAfterGc();
            }
            System.out.printf("%d %s cycles, one at a time: %.1f s%n", cycles, rootfs.name().toLowerCase(), (System.nanoTime() - start) / 1e9);
        }
        long start = System.nanoTime();
        parallel(engine, mode, parallelCycles, log);
        System.out.printf("%d cycles, %d in flight: %.1f s%n", parallelCycles, inFlight, (System.nanoTime() - start) / 1e9);
        engine.close();
        // veths go with their namespaces in the background: give the kernel a moment before counting
        for (int i = 0; i < 200 && counts(engine).get("veths isb*") > before.get("veths isb*"); i++) Thread.sleep(10);
        Map<String, Long> after = counts(engine);
        long heapEnd = heapAfterGc();
        System.out.printf("%-28s %10s %10s %8s%n", "leftover", "before", "after", "leaked");
        long leaked = 0;
        for (String k : before.keySet()) {
            long d = after.get(k) - before.get(k);
            leaked += Math.max(0, d);
            System.out.printf("%-28s %10d %10d %8d%n", k, before.get(k), after.get(k), d);
        }
        Set<String> newFds = fdTargets();
        newFds.removeAll(fdsBefore);
        newFds.forEach(fd -> System.out.println("  new engine fd: " + fd));
        double growth = heapWarm == 0 ? 0 : (heapEnd - heapWarm) * 100.0 / heapWarm;
        System.out.printf("%-28s %10d %10d %7.1f%%%n", "heap after gc (KiB)", heapWarm / 1024, heapEnd / 1024, growth);
        engine.gc(true);
        if (root == null) SafeDelete.tree(dir);
        boolean ok = leaked == 0 && growth < 20;
        System.out.println(ok ? "soak: nothing leaked" : "soak: LEAKS FOUND (see above)");
        return ok ? 0 : 1;
    }

    private void parallel(Engine engine, NetworkMode mode, int n, Path log) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                work.add(pool.submit(() -> cycle(engine, mode, k % 2 == 0 ? RootfsMode.OVERLAY : RootfsMode.COPY, log.resolveSibling("out-" + k))));
            }
            for (Future<?> f : work) f.get();
        } finally {
            pool.shutdown();
        }
    }

    private static Set<String> fdTargets() {
        Set<String> fds = new TreeSet<>();
        for (String fd : listNames(Path.of("/proc/self/fd"))) {
            try {
                fds.add(fd + " -> " + Files.readSymbolicLink(Path.of("/proc/self/fd", fd)));
            } catch (IOException e) {
                // closed meanwhile (the listing's own fd)
            }
        }
        return fds;
    }

    private static void cycle(Engine engine, NetworkMode mode, RootfsMode rootfs, Path log) {
        Container c = engine.create(ContainerSpec.builder().image("probe").rootfs(rootfs).network(mode).command("/probe", "true")
                .stdio(Stdio.toFiles(log, log)).build());
        try {
            c.start();
            if (c.waitFor() != 0) throw new EngineException("a soak container exited non-zero: " + log);
        } finally {
            c.delete();
        }
    }

    /** Everything a cycle could leave behind, counted. */
    static Map<String, Long> counts(Engine engine) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (var lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            m.put("host mounts", lines.count());
        }
        m.put("isobench cgroups", (long) engine.cgroups().list().size());
        m.put("veths isb*", listNames(Path.of("/sys/class/net")).stream().filter(n -> n.startsWith("isb")).count());
        m.put("network namespaces", netnsCount());
        m.put("bridge leases", (long) new Leases().all().size());
        m.put("port proxies", processesNamed("isobench-proxy"));
        m.put("engine fds", (long) listNames(Path.of("/proc/self/fd")).size());
        m.put("zombie children", zombies());
        m.put("container dirs", (long) listNames(engine.root().resolve("containers")).size());
        m.put("bytes under containers/", bytes(engine.root().resolve("containers")));
        m.put("deleted dirs in trash/", (long) listNames(engine.root().resolve("trash")).size());
        return m;
    }

    private static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static List<String> listNames(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long netnsCount() {
        Set<String> ns = new HashSet<>();
        for (String pid : listNames(Path.of("/proc"))) {
            if (!pid.chars().allMatch(Character::isDigit)) continue;
            try {
                ns.add(Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString());
            } catch (IOException | UnsupportedOperationException e) {
                // the process ended meanwhile
            }
        }
        return ns.size();
    }

    private static long processesNamed(String name) {
        return listNames(Path.of("/proc")).stream().filter(p -> p.chars().allMatch(Character::isDigit)).filter(p -> {
            try {
                return Files.readString(Path.of("/proc", p, "comm")).trim().equals(name);
            } catch (IOException e) {
                return false;
            }
        }).count();
    }

    private static long zombies() {
        String self = Long.toString(ProcessHandle.current().pid());
        return listNames(Path.of("/proc")).stream().filter(p -> p.chars().allMatch(Character::isDigit)).filter(p -> {
            try {
                String stat = Files.readString(Path.of("/proc", p, "stat"));
                String[] f = ProcessInfo.fieldsAfterName(stat);
                return f[0].equals("Z") && f[1].equals(self);
            } catch (IOException e) {
                return false;
            }
        }).count();
    }

    private static long bytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
