package dev.isobench.engine;

import dev.isobench.engine.build.ImageBuilder;
import dev.isobench.engine.cgroup.CgroupDriver;
import dev.isobench.engine.cgroup.CgroupDrivers;
import dev.isobench.engine.files.NativeBinaries;
import dev.isobench.engine.image.BuiltinImages;
import dev.isobench.engine.image.ImageStore;
import dev.isobench.engine.image.Images;
import dev.isobench.engine.image.ShiftedLayers;
import dev.isobench.engine.launch.Launcher;
import dev.isobench.engine.net.BridgeNetwork;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.Creator;
import dev.isobench.engine.runtime.GarbageCollector;
import dev.isobench.engine.runtime.Host;
import dev.isobench.engine.runtime.Reaper;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.state.ContainerDir;
import dev.isobench.engine.state.ResidentEngineFiles;
import dev.isobench.engine.state.StateStore;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The engine's front door: {@code Engine.open(root).create(spec)}. Everything the engine makes lives under
 * its root directory, under {@code isobench/} in each cgroup hierarchy, and in namespaces that die with
 * their containers.
 */
public final class Engine implements AutoCloseable {
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/isobench");

    private final Path root;
    private final Host host;

    private Engine(Path root, Host host) {
        this.root = root;
        this.host = host;
    }

    /** The root a CLI means: {@code --root} if given, else $ISOBENCH_ROOT, else {@link #DEFAULT_ROOT}. */
    public static Path rootFor(Path option) {
        String env = System.getenv("ISOBENCH_ROOT");
        return option != null ? option : env != null && !env.isEmpty() ? Path.of(env) : DEFAULT_ROOT;
    }

    /** Opens the engine at a root directory with the cgroup driver this host has. */
    public static Engine open(Path root) {
        return open(root, CgroupDrivers.detect());
    }

    public static Engine open(Path root, CgroupDriver cgroups) {
        Path abs = root.toAbsolutePath().normalize();
        NativeBinaries binaries = NativeBinaries.unpack(abs);
        Images images = new Images(new BuiltinImages(abs, binaries), new ImageStore(abs), new ShiftedLayers(abs));
        return new Engine(abs, new Host(new StateStore(abs), cgroups, binaries, images,
                new BridgeNetwork(abs, binaries.proxy())));
    }

    public Path root() {
        return root;
    }

    public CgroupDriver cgroups() {
        return host.cgroups();
    }

    public NativeBinaries binaries() {
        return host.binaries();
    }

    public Images images() {
        return host.images();
    }

    /** Creates a container that waits at its start barrier; {@link Container#start()} lets it run. */
    public Container create(ContainerSpec spec) {
        requireRoot();
        return new Creator(host).create(spec);
    }

    /** Creates and starts in one call. */
    public Container run(ContainerSpec spec) {
        Container c = create(spec);
        try {
            c.start();
        } catch (RuntimeException e) {
            c.delete();
            throw e;
        }
        return c;
    }

    /** Finds a container by name, id or unique id prefix. */
    public Optional<Container> find(String ref) {
        return host.store().find(ref).flatMap(this::load);
    }

    /** Finds a container by its exact name or whole id, never by a prefix (an OCI runtime's lookup). */
    public Optional<Container> findExact(String name) {
        return host.store().findName(name).flatMap(this::load);
    }

    public Container get(String ref) {
        return find(ref).orElseThrow(() -> new EngineException("no such container: " + ref + " (isobench ctr ps -a lists them)"));
    }

    public List<Container> list() {
        List<Container> all = new ArrayList<>();
        for (ContainerDir d : host.store().list()) {
            try {
                load(d).ifPresent(all::add);
            } catch (EngineException e) {
                // an unreadable state file: not a container anyone can use; gc removes it
            }
        }
        return all;
    }

    /** Removes leftovers of crashed runs (or, with {@code all}, every container) and returns what it did. */
    public GarbageCollector.Report gc(boolean all) {
        requireRoot();
        GarbageCollector.Report report = new GarbageCollector(host).collect(all);
        ResidentEngineFiles.collectStale(root); // a resident engine killed with -9: its socket and pid file
        return report;
    }

    /**
     * Waits until the cgroups and directories of every container deleted so far are removed (they go in the
     * background, see {@link Reaper}); false if that took longer than {@code timeout}.
     */
    public boolean awaitRemovals(Duration timeout) {
        return Reaper.drain(timeout);
    }

    /**
     * Waits for the background removals and stops the spare monitor launched from this root's binaries, so that
     * nothing of this engine runs or holds its root any more (a root on a file system about to be unmounted).
     * Containers stay as they are; the engine can still be used.
     */
    @Override
    public void close() {
        awaitRemovals(Duration.ofSeconds(30));
        Launcher.release(host.binaries().init());
    }

    /** Builds images from Dockerfiles, running RUN steps in this engine's containers. */
    public ImageBuilder builder() {
        return new ImageBuilder(host.images().store(), host.images(), this::create, root);
    }

    /** Ids of the images that containers (any state) are made from: their layers must stay. */
    public Set<String> imagesInUse() {
        Set<String> ids = new HashSet<>();
        for (ContainerDir d : host.store().list()) host.store().read(d).ifPresent(r -> ids.add(r.config().imageId()));
        return ids;
    }

    private Optional<Container> load(ContainerDir d) {
        return host.store().read(d).map(r -> Container.load(host, d, r));
    }

    private static void requireRoot() {
        if (!Native.isRoot()) {
            throw new EngineException("isobench ctr needs root: namespaces, mounts and cgroups are privileged operations"
                    + " (run it with sudo)");
        }
    }
}
