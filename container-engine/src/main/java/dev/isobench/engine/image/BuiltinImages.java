package dev.isobench.engine.image;

import dev.isobench.engine.files.NativeBinaries;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.spec.MountSpec;
import dev.isobench.engine.spec.Sizes;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The images that need no network: {@code probe} (only the static probe binary and mount points) and
 * {@code host} (the host's /usr, /etc and lib dirs bound read-only, so host binaries run unchanged).
 * Each is built once into {@code <root>/images/builtin/<name>-<version>} and renamed into place complete.
 */
public final class BuiltinImages {
    public static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final List<String> MOUNT_POINTS = List.of("dev", "proc", "sys", "tmp", "etc", "root", "run");
    private static final List<String> HOST_DIRS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    /** The names built-in images get: the build's binaries version last, or the host image's hash. */
    private static final Pattern BUILTIN = Pattern.compile("(probe|synthetic-[0-9]+-[0-9]+|layers-[0-9]+)-[0-9a-f]+|host-[0-9a-f]+");
    /** A layer of a {@code layers:N} stack is l0, l1, ...; its user-namespace copy adds the stack's name before it. */
    private static final Pattern STACK_LAYER = Pattern.compile("-l[0-9]+$");

    private final Path dir;
    private final NativeBinaries binaries;
    private final Path hostRoot;

    public BuiltinImages(Path root, NativeBinaries binaries) {
        this(root, binaries, Path.of("/"));
    }

    BuiltinImages(Path root, NativeBinaries binaries, Path hostRoot) {
        this.dir = root.resolve("images").resolve("builtin");
        this.binaries = binaries;
        this.hostRoot = hostRoot;
    }

    public static List<String> names() {
        return List.of("probe", "host", "synthetic:SIZE[:FILES]", "layers:N");
    }

    public Optional<Image> find(String name) {
        if (name.startsWith("synthetic:")) return Optional.of(synthetic(name));
        if (name.startsWith("layers:")) return Optional.of(layered(name));
        return switch (name) {
            case "probe" -> Optional.of(probe());
            case "host" -> Optional.of(host());
            default -> Optional.empty();
        };
    }

    /** {@code synthetic:100m} or {@code synthetic:100m:5000}: a generated minbase-like tree plus the probe. */
    public Image synthetic(String name) {
        String[] parts = name.split(":");
        if (parts.length < 2 || parts.length > 3) throw new IllegalArgumentException("synthetic images are named synthetic:SIZE[:FILES], e.g. synthetic:100m");
        long bytes = Sizes.parse("synthetic image size", parts[1]);
        int files;
        try {
            files = parts.length == 3 ? Integer.parseInt(parts[2]) : SyntheticTree.defaultFiles(bytes);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("synthetic image file count must be a number, got '" + parts[2] + "'");
        }
        if (files < 1 || bytes < files) throw new IllegalArgumentException("a synthetic image needs at least one byte per file and one file");
        Path layer = dir.resolve("synthetic-" + bytes + "-" + files + "-" + binaries.version());
        ensure(layer, tmp -> {
            for (String d : MOUNT_POINTS) Files.createDirectory(tmp.resolve(d));
            Files.copy(binaries.probe(), tmp.resolve("probe"), StandardCopyOption.COPY_ATTRIBUTES);
            SyntheticTree.generate(tmp, bytes, files);
        });
        return new Image("synthetic:" + parts[1] + (parts.length == 3 ? ":" + files : ""), layer.getFileName().toString(),
                List.of(layer), List.of(), List.of(PATH_ENV), List.of("/probe", "true"), "", "");
    }

    public Image probe() {
        Path layer = dir.resolve("probe-" + binaries.version());
        ensure(layer, tmp -> {
            for (String d : MOUNT_POINTS) Files.createDirectory(tmp.resolve(d));
            Files.copy(binaries.probe(), tmp.resolve("probe"), StandardCopyOption.COPY_ATTRIBUTES);
        });
        return new Image("probe", layer.getFileName().toString(), List.of(layer), List.of(), List.of(PATH_ENV), List.of("/probe", "true"), "", "");
    }

    /**
     * {@code layers:N}: N stacked layers, the probe and {@code /usr/share/layer0/file} at the bottom and one
     * file per layer above it, to measure lookups through layer depth.
     */
    public Image layered(String name) {
        int depth;
        try {
            depth = Integer.parseInt(name.substring("layers:".length()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layered images are named layers:N, e.g. layers:8");
        }
        if (depth < 1 || depth > 128) throw new IllegalArgumentException("layers:N takes N from 1 to 128, got " + depth);
        Path stack = dir.resolve("layers-" + depth + "-" + binaries.version());
        ensure(stack, tmp -> {
            for (int i = 0; i < depth; i++) {
                Path l = Files.createDirectories(tmp.resolve("l" + i));
                if (i == 0) {
                    for (String d : MOUNT_POINTS) Files.createDirectory(l.resolve(d));
                    Files.copy(binaries.probe(), l.resolve("probe"), StandardCopyOption.COPY_ATTRIBUTES);
                }
                Files.writeString(Files.createDirectories(l.resolve("usr/share/layer" + i)).resolve("file"), "layer " + i + "\n");
            }
        });
        List<Path> layers = new ArrayList<>();
        for (int i = depth - 1; i >= 0; i--) layers.add(stack.resolve("l" + i));
        return new Image(name, stack.getFileName().toString(), layers, List.of(), List.of(PATH_ENV), List.of("/probe", "true"), "", "");
    }

    /** Host dirs that are symlinks (merged /usr) stay symlinks; real dirs are bound read-only. */
    public Image host() {
        List<MountSpec> binds = hostBinds();
        List<String> links = HOST_DIRS.stream().filter(d -> Files.isSymbolicLink(hostRoot.resolve(d))).toList();
        Path layer = dir.resolve(hostLayerName(binds));
        ensure(layer, tmp -> {
            for (String d : MOUNT_POINTS) Files.createDirectory(tmp.resolve(d));
            Files.createDirectories(tmp.resolve("var/tmp"));
            for (MountSpec b : binds) Files.createDirectories(tmp.resolve(b.target().substring(1)));
            for (String l : links) Files.createSymbolicLink(tmp.resolve(l), Files.readSymbolicLink(hostRoot.resolve(l)));
            Files.copy(binaries.probe(), tmp.resolve("probe"), StandardCopyOption.COPY_ATTRIBUTES);
        });
        return new Image("host", layer.getFileName().toString(), List.of(layer), binds, List.of(PATH_ENV), List.of("/bin/sh"), "", "");
    }

    /**
     * The name a layer's user-namespace copy gets: the layer directory's own name, with the stack's before it for
     * a layer of a {@code layers:N} stack (l0 alone would be shared with every other build's l0).
     */
    static String copyName(Path layer) {
        String name = layer.getFileName().toString();
        return name.matches("l[0-9]+") ? layer.getParent().getFileName() + "-" + name : name;
    }

    private List<MountSpec> hostBinds() {
        List<MountSpec> binds = new ArrayList<>(List.of(
                new MountSpec(hostRoot.resolve("usr"), "/usr", true),
                new MountSpec(hostRoot.resolve("etc"), "/etc", true)));
        for (String d : HOST_DIRS) {
            Path p = hostRoot.resolve(d);
            if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) binds.add(new MountSpec(p, "/" + d, true));
        }
        return binds;
    }

    private String hostLayerName(List<MountSpec> binds) {
        StringBuilder version = new StringBuilder(binaries.version());
        for (MountSpec b : binds) version.append(b.target().hashCode());
        return "host-" + Integer.toHexString(version.toString().hashCode());
    }

    /**
     * Deletes the built-in images made for other builds of the binaries, with their user-namespace copies,
     * unless a container still uses one. Every build that changes the probe makes its own (a 1 GB synthetic
     * image takes 1.2 GB of disk), so without this an engine root grows with every update. A half-built image
     * ({@code .tmp-}) older than an hour is a crashed build's and goes too. Returns the names deleted.
     */
    public List<String> pruneStale(Set<String> inUse) {
        String host = hostLayerName(hostBinds());
        Predicate<String> stale = name -> BUILTIN.matcher(name).matches() && !name.equals(host)
                && !name.endsWith("-" + binaries.version()) && !inUse.contains(name);
        List<String> removed = new ArrayList<>();
        for (Path image : entries(dir)) {
            String name = image.getFileName().toString();
            if (stale.test(name) || name.startsWith(".tmp-") && olderThanAnHour(image)) {
                SafeDelete.tree(image);
                removed.add(name);
            }
        }
        for (Path map : entries(dir.resolveSibling("shifted"))) {
            for (Path copy : entries(map)) {
                if (stale.test(STACK_LAYER.matcher(copy.getFileName().toString()).replaceFirst(""))) SafeDelete.tree(copy);
            }
        }
        return removed;
    }

    private static List<Path> entries(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new EngineException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean olderThanAnHour(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis() < System.currentTimeMillis() - 3_600_000;
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    private interface Filler {
        void fill(Path dir) throws IOException;
    }

    private static void ensure(Path layer, Filler filler) {
        if (Files.isDirectory(layer)) return;
        try {
            Files.createDirectories(layer.getParent());
            Path tmp = Files.createTempDirectory(layer.getParent(), ".tmp-");
            filler.fill(tmp);
            try {
                Files.move(tmp, layer, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(layer)) throw e;
                SafeDelete.tree(tmp); // another thread or engine built it first
            }
        } catch (IOException e) {
            throw new EngineException("cannot build image " + layer.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
