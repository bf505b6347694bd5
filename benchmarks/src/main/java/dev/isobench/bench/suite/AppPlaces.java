package dev.isobench.bench.suite;

import dev.isobench.bench.app.DockerPlace;
import dev.isobench.bench.app.EnginePlace;
import dev.isobench.bench.app.HostPlace;
import dev.isobench.bench.app.HostRoot;
import dev.isobench.bench.app.OciPlace;
import dev.isobench.bench.app.Pinning;
import dev.isobench.bench.app.Place;
import dev.isobench.bench.app.Workload;
import dev.isobench.bench.app.Workload.Knob;
import dev.isobench.bench.targets.DockerTarget;
import dev.isobench.bench.targets.OciRuntimeTarget;
import dev.isobench.bench.targets.Target;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Seccomp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The places the application suite runs its workloads in: the host, each target that can run a server of the
 * host's programs, and the knob variants the profile names beside each target's base setup. The targets it cannot
 * drive are named with the reason.
 */
final class AppPlaces {
    /**
     * A place, whether it is a knob variant of its target's base setup, and the knobs a workload must feel for it to
     * run there (a published port means nothing to fio).
     */
    record Entry(Place place, boolean variant, Set<Knob> varies) {
        static Entry base(Place place) {
            return new Entry(place, false, Set.of());
        }

        static Entry variant(Place place, Knob... varies) {
            return new Entry(place, true, Set.of(varies));
        }

        String label() {
            return place.target() + (place.variant().isEmpty() ? "" : "/" + place.variant()) + (!variant ? ""
                    : " (" + String.join(",", place.settings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + ")");
        }
    }

    private final List<Entry> entries;

    private AppPlaces(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    static AppPlaces discover(SuiteContext ctx, Path work, List<String> variants) {
        String suite = AppSuite.NAME;
        Pinning pin = Pinning.of(Runtime.getRuntime().availableProcessors());
        List<Entry> out = new ArrayList<>(List.of(Entry.base(new HostPlace(work.resolve("runs"), pin))));
        Path runs = work.resolve("runs");
        if (ctx.wants("engine")) {
            var engine = ctx.engine();
            Seccomp filter = ctx.engineSeccomp();
            out.add(Entry.base(new EnginePlace(engine, runs, pin, EnginePlace.Net.HOST, EnginePlace.Storage.VOLUME, filter, "default", Optional.empty())));
            if (variants.contains("engine-published")) out.add(Entry.variant(new EnginePlace(engine, runs, pin, EnginePlace.Net.PUBLISHED,
                    EnginePlace.Storage.VOLUME, filter, "default", Optional.empty()), Knob.NET));
            if (variants.contains("engine-bridge")) out.add(Entry.variant(new EnginePlace(engine, runs, pin, EnginePlace.Net.BRIDGE,
                    EnginePlace.Storage.VOLUME, filter, "default", Optional.empty()), Knob.NET));
            if (variants.contains("engine-layer")) out.add(Entry.variant(new EnginePlace(engine, runs, pin, EnginePlace.Net.HOST,
                    EnginePlace.Storage.LAYER, filter, "default", Optional.empty()), Knob.STORAGE));
            if (variants.contains("engine-unconfined")) out.add(Entry.variant(new EnginePlace(engine, runs, pin, EnginePlace.Net.HOST,
                    EnginePlace.Storage.VOLUME, Seccomp.UNCONFINED, "unconfined", Optional.empty())));
            if (variants.contains("engine-limits")) out.add(Entry.variant(new EnginePlace(engine, runs, pin, EnginePlace.Net.HOST,
                    EnginePlace.Storage.VOLUME, filter, "default", Optional.of(nonBinding()))));
        }
        HostRoot root = null;
        for (Target t : ctx.processTargets()) {
            if (t instanceof OciRuntimeTarget oci && List.of("runc", "crun", "runsc").contains(t.name())) {
                if (root == null) root = HostRoot.make(work.resolve("host-root"));
                List<String> command = oci.command().stream().map(a -> a.equals("--network=none") ? "--network=host" : a).toList();
                try {
                    out.add(Entry.base(new OciPlace(t.name(), t.variant(), command, root, runs, pin)));
                } catch (RuntimeException e) {
                    ctx.skip(suite, t.label(), e.getMessage());
                }
            } else if (t instanceof DockerTarget docker && t.variant().equals("runc")) {
                if (root == null) root = HostRoot.make(work.resolve("host-root"));
                String image;
                try {
                    image = docker.load(root.dir(), "isobench-app:latest");
                } catch (RuntimeException e) {
                    ctx.skip(suite, t.label(), "the host's programs could not be loaded as an image: " + e.getMessage());
                    continue;
                }
                out.add(Entry.base(new DockerPlace(docker, image, root, runs, pin, DockerPlace.Net.HOST, DockerPlace.Storage.VOLUME)));
                if (variants.contains("docker-published")) out.add(Entry.variant(new DockerPlace(docker, image, root, runs, pin, DockerPlace.Net.PUBLISHED,
                        DockerPlace.Storage.VOLUME), Knob.NET));
                if (variants.contains("docker-layer")) out.add(Entry.variant(new DockerPlace(docker, image, root, runs, pin, DockerPlace.Net.HOST,
                        DockerPlace.Storage.LAYER), Knob.STORAGE));
            } else if (t instanceof DockerTarget) {
                ctx.skip(suite, t.label(), "Docker runs the application workloads over runc only; crun and runsc run them directly");
            } else if (!t.name().equals("host")) {
                ctx.skip(suite, t.label(), "not driven by this version of the application suite (it runs servers in the engine, runc, crun, runsc"
                        + " and Docker)");
            }
        }
        ctx.vm().ifPresent(vm -> ctx.skip(suite, "vm", "the guest runs only the static probe; it cannot run the host's servers until the"
                + " guest runs the harness"));
        return new AppPlaces(out);
    }

    /**
     * Limits set on every controller the engine drives, none of which can bind: all the host's CPUs, all its memory,
     * far more processes than a server forks. What remains is the cost of being accounted.
     */
    private static Limits nonBinding() {
        long memory = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) memory = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            memory = 1L << 40;
        }
        return Limits.builder().cpus(Runtime.getRuntime().availableProcessors()).memory(memory).memorySwap(memory).pids(1 << 20).build();
    }

    /**
     * The places that run this workload at this concurrency: a server only where one can be reached; a knob variant
     * only where the workload feels the knob, and (a server) only at the profile's {@code variant_clients}: the sweep
     * runs on the targets' base setups, the knobs at one point of it.
     */
    List<Entry> applicable(Workload w, int clients, int variantClients) {
        return entries.stream().filter(e -> AppSuite.applies(e.varies(), w)).filter(e -> !w.server() || e.place().cannotServe().isEmpty())
                .filter(e -> !e.variant() || !w.server() || clients == variantClients).toList();
    }
}
