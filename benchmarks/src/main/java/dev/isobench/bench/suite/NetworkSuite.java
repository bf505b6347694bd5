package dev.isobench.bench.suite;

import dev.isobench.bench.targets.DockerTarget;
import dev.isobench.bench.targets.Target;
import dev.isobench.engine.Engine;
import dev.isobench.engine.net.Bridge;
import dev.isobench.engine.net.Leases;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.report.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * TCP round trip (1-byte ping-pong) and bulk throughput over each path a container's traffic can take:
 * host loopback; a {@code --net host} container to the host; a bridge container to the host side of
 * {@code isobench0}; container to container on the bridge; the host to a port published on 127.0.0.1.
 * The probe is server and client everywhere, so the same code runs on every path, the server pinned to the
 * last CPU and the client to the first (see the probe's util.c). Every server serves one connection and has a deadline;
 * every client a fixed count or duration. The paths take turns.
 */
public final class NetworkSuite implements Suite {
    public static final String NAME = "network";
    /** Docker with runc, for its published port, when the run has it. */
    private DockerTarget docker;
    private static final int SERVER_TIMEOUT_S = 120;
    /** Turns of round trips: each path's pings are split over them. */
    private static final int TURNS = 4;

    @Override
    public String name() {
        return NAME;
    }

    /** The way between client and server: where each runs. */
    /** The share of what is left of the suite's budget for the streams, and the shortest stream. */
    private static final double STREAMS_SHARE = 0.8, MIN_STREAM_SECONDS = 0.2;

    enum Route { LOOPBACK, HOST_NET, BRIDGE_TO_HOST, CONTAINER_TO_CONTAINER, PUBLISHED, DOCKER_BRIDGE, DOCKER_PUBLISHED }

    @Override
    public void run(SuiteContext ctx) {
        Profile.Network p = ctx.profile().network();
        List<Route> paths = new ArrayList<>(List.of(Route.LOOPBACK));
        if (ctx.wants("engine")) paths.addAll(List.of(Route.HOST_NET, Route.BRIDGE_TO_HOST, Route.CONTAINER_TO_CONTAINER, Route.PUBLISHED));
        else ctx.skip(NAME, "container paths", "the engine is not among --targets");
        ctx.skip(NAME, "runc/crun/bwrap paths", "those peers give a container only an empty network namespace; isobench measures their"
                + " isolation, not networking");
        ctx.skip(NAME, "podman paths", "podman is not driven by this version of the network suite");
        if (ctx.processTargets().stream().anyMatch(Target::userSpaceKernel)) {
            ctx.skip(NAME, "gVisor netstack paths", "not driven by this version: runsc 0.0~20221219 refused --network=sandbox on the"
                    + " development host ('cannot run with network enabled in root network namespace'), also when given a namespace"
                    + " of its own with a veth in it, and so did docker --runtime=runsc");
        }
        Optional<DockerTarget> docker = ctx.processTargets().stream().filter(t -> t instanceof DockerTarget && t.variant().equals("runc"))
                .map(t -> (DockerTarget) t).findFirst();
        if (docker.isPresent()) paths.addAll(List.of(Route.DOCKER_BRIDGE, Route.DOCKER_PUBLISHED));
        this.docker = docker.orElse(null);
        Container holder = null;
        try {
            // Keeps the bridge up for the whole suite, so the host side has its address to listen on.
            if (ctx.wants("engine")) holder = start(ctx, bridge().command("/probe", "sleep", Integer.toString(30 * 60)), null);
            // The paths take turns, so a drift in the machine's speed falls on all of them alike: run one after
            // the other, a path's ratio to loopback moved by half from run to run.
            // Each connection's round trips are one run: the intervals are taken over connections (Stats.summarizeRuns).
            Map<Route, List<double[]>> rtt = new EnumMap<>(Route.class);
            List<Route> order = new ArrayList<>(paths);
            for (int turn = 0; turn < TURNS; turn++) {
                ctx.progress().step(NAME, "round trips, every path, turn " + (turn + 1) + " of " + TURNS);
                for (Route path : order) rtt.computeIfAbsent(path, x -> new ArrayList<>()).add(pings(ctx, path, p.pings() / TURNS));
                Collections.rotate(order, 1);
            }
            Map<Route, List<Double>> mbps = new EnumMap<>(Route.class);
            // each stream as long as the profile says, or shorter to fit what is left of the suite's share
            double seconds = Math.max(MIN_STREAM_SECONDS, Math.min(p.streamSeconds(),
                    STREAMS_SHARE * ctx.budget().secondsLeft() / (p.streamRuns() * paths.size())));
            for (int run = 0; run < p.streamRuns(); run++) {
                ctx.progress().step(NAME, "stream, every path, turn " + (run + 1) + " of " + p.streamRuns());
                for (Route path : order) mbps.computeIfAbsent(path, x -> new ArrayList<>()).add(stream(ctx, path, seconds));
                Collections.rotate(order, 1);
            }
            for (Route path : paths) {
                List<double[]> ns = rtt.get(path);
                Rows.Key k = key("tcp-rtt", path);
                Rows.summaryRuns(ctx, k, "us", ns.stream().map(NetworkSuite::micros).toList());
                Rows.hlog(ctx, k, Stats.pool(ns));
                if (path != Route.LOOPBACK) Rows.ratioByRun(ctx, k, "host", rtt.get(Route.LOOPBACK), ns);
                Rows.summary(ctx, key("tcp-stream", path), "MB/s", array(mbps.get(path)));
            }
        } finally {
            if (holder != null) holder.delete();
        }
    }

    private static double[] array(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Rows.Key key(String benchmark, Route path) {
        return switch (path) {
            case LOOPBACK -> new Rows.Key(NAME, benchmark, "host", "", "path=" + label(path));
            case DOCKER_BRIDGE, DOCKER_PUBLISHED -> new Rows.Key(NAME, benchmark, "docker", "runc", "path=" + label(path));
            default -> new Rows.Key(NAME, benchmark, "engine", "", "path=" + label(path));
        };
    }

    static String label(Route p) {
        return p.name().toLowerCase().replace('_', '-');
    }

    /** Round trips (ns) of one connection of n pings, less its first tenth. */
    private double[] pings(SuiteContext ctx, Route path, int n) {
        List<String> out = exchange(ctx, path, "tcp-echo", List.of("ping", "%s", "%d", Integer.toString(n)));
        double[] ns = out.stream().map(String::trim).filter(l -> !l.isEmpty()).mapToDouble(Double::parseDouble).toArray();
        // The first round trips pay for connection warm-up (ARP, slow start): the first tenth is dropped.
        return Arrays.copyOfRange(ns, ns.length / 10, ns.length);
    }

    /** MB/s of one connection that sends for this long. */
    private double stream(SuiteContext ctx, Route path, double seconds) {
        String[] f = exchange(ctx, path, "tcp-stream", List.of("send", "%s", "%d", Double.toString(seconds)))
                .get(0).trim().split("\\s+"); // bytes B nanos N
        return Double.parseDouble(f[1]) / 1e6 / (Double.parseDouble(f[3]) / 1e9);
    }

    /**
     * Starts the path's server for one connection, runs the client (%s: the address, %d: the port) and
     * returns the lines it printed. A connection that fails is run once more, with a new server, and the manifest
     * says so: one main job here lost its whole network suite when, in the third turn, the published path's
     * client read end-of-file at its first round trip (the port proxy closes a connection it cannot relay).
     */
    private List<String> exchange(SuiteContext ctx, Route path, String kind, List<String> client) {
        try {
            return exchangeOnce(ctx, path, kind, client);
        } catch (IllegalStateException e) {
            ctx.manifest().warn(NAME + ": a connection failed and was run again: " + e.getMessage());
            return exchangeOnce(ctx, path, kind, client);
        }
    }

    private List<String> exchangeOnce(SuiteContext ctx, Route path, String kind, List<String> client) {
        Engine engine = ctx.engine();
        int port = freePort();
        boolean containerServer = path == Route.CONTAINER_TO_CONTAINER || path == Route.PUBLISHED;
        String listenOn = switch (path) {
            case LOOPBACK, HOST_NET -> "127.0.0.1";
            case BRIDGE_TO_HOST -> Bridge.GATEWAY;
            default -> "0.0.0.0";
        };
        List<String> serve = List.of("/probe", kind, "serve", listenOn, Integer.toString(port), "1",
                Integer.toString(SERVER_TIMEOUT_S));
        Process hostServer = null;
        Container server = null;
        String dockerServer = null;
        try {
            String target;
            int targetPort = port;
            if (path == Route.DOCKER_PUBLISHED || path == Route.DOCKER_BRIDGE) {
                int published = freePort();
                dockerServer = docker.serve(serve.subList(1, serve.size()), published, port);
                String id = dockerServer;
                awaitListening(() -> docker.logs(id));
                // published: through docker-proxy on the host's loopback; bridge: the container's own address
                target = path == Route.DOCKER_PUBLISHED ? "127.0.0.1" : docker.address(id);
                if (path == Route.DOCKER_PUBLISHED) targetPort = published;
            } else if (containerServer) {
                ContainerSpec.Builder s = bridge().command(serve);
                int published = path == Route.PUBLISHED ? freePort() : 0;
                if (published > 0) s.publish(new PortMapping(published, port));
                Path log = ctx.workspace().scratch().resolve("server-" + System.nanoTime());
                server = start(ctx, s, log);
                awaitListening(() -> read(log));
                target = path == Route.PUBLISHED ? "127.0.0.1" : addressOf(server);
                if (published > 0) targetPort = published;
            } else {
                List<String> argv = new ArrayList<>(serve);
                argv.set(0, engine.binaries().probe().toString());
                hostServer = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String first = new String(hostServer.getInputStream().readNBytes(10), StandardCharsets.UTF_8);
                if (!first.startsWith("listening")) throw new IllegalStateException(label(path) + ": the host server did not start: " + first);
                target = listenOn;
            }
            List<String> argv = new ArrayList<>(List.of("/probe", kind));
            for (String a : client) argv.add(a.equals("%s") ? target : a.equals("%d") ? Integer.toString(targetPort) : a);
            try {
                return client(ctx, path, argv).lines().toList();
            } catch (IllegalStateException e) {
                throw server == null ? e : new IllegalStateException(e.getMessage() + proxySaid(server), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (hostServer != null) {
                hostServer.destroyForcibly();
                waitQuietly(hostServer);
            }
            if (server != null) server.delete();
            if (dockerServer != null) docker.stop(dockerServer);
        }
    }

    /** What the server's port proxy logged (why it closed a connection), or nothing. */
    private static String proxySaid(Container server) throws IOException {
        Path log = server.proxyLog();
        String said = Files.exists(log) ? Files.readString(log).trim() : "";
        return said.isEmpty() ? "" : "; the port proxy said: " + said;
    }

    /** Runs the client where the path puts it; returns its stdout, or fails with its stderr. */
    private String client(SuiteContext ctx, Route path, List<String> argv) throws IOException {
        if (path == Route.LOOPBACK || path == Route.PUBLISHED || path == Route.DOCKER_BRIDGE || path == Route.DOCKER_PUBLISHED) {
            List<String> host = new ArrayList<>(argv);
            host.set(0, ctx.engine().binaries().probe().toString());
            Process p = new ProcessBuilder(host).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (waitQuietly(p) != 0) throw new IllegalStateException(label(path) + ": client " + host + " exited " + p.exitValue());
            return out;
        }
        ContainerSpec.Builder spec = (path == Route.HOST_NET ? ContainerSpec.builder().network(NetworkMode.HOST) : bridge()).command(argv);
        Path out = ctx.workspace().scratch().resolve("client-" + System.nanoTime());
        Path err = ctx.workspace().scratch().resolve("client-err-" + System.nanoTime());
        Container c = ctx.engine().create(spec.stdio(Stdio.toFiles(out, err)).build());
        try {
            c.start();
            int code = c.waitFor();
            if (code != 0) throw new IllegalStateException(label(path) + ": client exited " + code + ": " + Files.readString(err).trim());
            return Files.readString(out);
        } finally {
            c.delete();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static ContainerSpec.Builder bridge() {
        return ContainerSpec.builder().image("probe").network(NetworkMode.BRIDGE);
    }

    private static Container start(SuiteContext ctx, ContainerSpec.Builder spec, Path log) {
        Path to = log != null ? log : ctx.workspace().scratch().resolve("holder.log");
        try {
            Files.createDirectories(to.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ctx.engine().run(spec.stdio(Stdio.toFiles(to, to)).build());
    }

    private static String addressOf(Container c) {
        return new Leases().all().entrySet().stream().filter(e -> e.getValue().id().equals(c.id()))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new IllegalStateException("no address for " + c.id()));
    }

    /** Waits for the server's "listening" line in what it printed. */
    private static void awaitListening(Supplier<String> printed) {
        for (int i = 0; i < 1000; i++) {
            if (printed.get().contains("listening")) return;
            sleep(5);
        }
        throw new IllegalStateException("the container server did not listen within 5 s: " + printed.get());
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on now (the kernel's pick); the tiny race with other programs is accepted. */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] micros(double[] nanos) {
        double[] us = new double[nanos.length];
        for (int i = 0; i < us.length; i++) us[i] = nanos[i] / 1e3;
        return us;
    }

    private static int waitQuietly(Process p) {
        try {
            if (!p.waitFor(SERVER_TIMEOUT_S, TimeUnit.SECONDS)) p.destroyForcibly();
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
