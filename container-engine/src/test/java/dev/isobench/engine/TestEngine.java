package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.proc.Mountinfo;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real engine on a temporary root for each test. After each test, also a failing one, it removes every
 * container and then checks that nothing is left: no container dir, name, cgroup, mount or process.
 */
public final class TestEngine implements BeforeEachCallback, AfterEachCallback {
    private Path root;
    private Engine engine;
    private final List<String> seenIds = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Privileges.assumeOverlay();
        root = Files.createTempDirectory("isobench-test-");
        // Like /var/lib/isobench: searchable by others, as root of a user namespace must reach its rootfs.
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        engine = Engine.open(root);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (engine == null) return;
        try {
            for (Container c : engine.list()) seenIds.add(c.id());
            engine.gc(true);
            assertNoLeftovers();
        } finally {
            engine.close();
            SafeDelete.tree(root);
            engine = null;
        }
    }

    public Engine engine() {
        return engine;
    }

    public Path root() {
        return root;
    }

    /** Runs a container to completion with stdout and stderr captured; removes it. */
    public Result run(ContainerSpec.Builder spec) {
        Path out = root.resolve("out-" + System.nanoTime());
        Path err = root.resolve("err-" + System.nanoTime());
        Container c = engine.create(spec.stdio(Stdio.toFiles(out, err)).build());
        seenIds.add(c.id());
        try {
            c.start();
            int code = c.waitFor();
            return new Result(code, read(out), read(err));
        } finally {
            c.delete();
        }
    }

    public Result run(String... argv) {
        return run(ContainerSpec.builder().command(argv));
    }

    public Container start(ContainerSpec.Builder spec) {
        Container c = engine.run(spec.stdio(Stdio.toFiles(root.resolve("log"), root.resolve("log"))).build());
        seenIds.add(c.id());
        return c;
    }

    /** A container made by another process on this root (an OCI client's runtime call), for the cgroup check. */
    public void seen(String id) {
        seenIds.add(id);
    }

    /** Every check the before-stop hook makes, limited to what this engine could have made. */
    public void assertNoLeftovers() {
        assertTrue(engine.awaitRemovals(Duration.ofSeconds(30)), "background removals still running after 30 s");
        assertEquals(List.of(), children(root.resolve("trash")), "deleted containers' directories left");
        assertEquals(List.of(), engine.list().stream().map(Container::id).toList(), "containers left");
        assertEquals(List.of(), children(root.resolve("containers")), "container dirs left");
        assertEquals(List.of(), children(root.resolve("names")), "names left");
        for (String id : seenIds) {
            assertTrue(!engine.cgroups().list().contains(id), "cgroup isobench/" + id + " left");
        }
        for (Mountinfo.Entry m : Mountinfo.read(Path.of("/proc/self/mountinfo"))) {
            assertTrue(!m.mountPoint().startsWith(root), "mount left: " + m.mountPoint());
        }
        var leases = new dev.isobench.engine.net.Leases().all().values();
        assertEquals(List.of(), leases.stream().filter(l -> l.root().equals(root.toString())).map(l -> l.id()).toList(), "leases left");
        for (String id : seenIds) { // a veth goes with its namespace, which the kernel tears down in the background
            Path veth = Path.of("/sys/class/net", dev.isobench.engine.net.Bridge.hostEnd(id));
            for (int i = 0; i < 200 && Files.exists(veth); i++) sleep(10);
            assertTrue(!Files.exists(veth), "veth of " + id + " left");
        }
        if (leases.isEmpty()) assertTrue(!dev.isobench.engine.net.Bridge.exists(), "bridge left with no container on it");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> children(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a container printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> lines() {
            return stdout.lines().toList();
        }
    }
}
