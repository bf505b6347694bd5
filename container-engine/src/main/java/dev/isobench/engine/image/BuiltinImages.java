package dev.isobench.engine.image;

import dev.isobench.engine.EngineException;
import dev.isobench.engine.runtime.NativeBinaries;
import dev.isobench.engine.spec.MountSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The images that need no network: {@code probe} (only the static probe binary and mount points) and
 * {@code host} (the host's /usr, /etc and lib dirs bound read-only, so host binaries run unchanged).
 * Each is built once into {@code <root>/images/builtin/<name>-<version>} and renamed into place complete.
 */
public final class BuiltinImages {
    public static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final List<String> MOUNT_POINTS = List.of("dev", "proc", "sys", "tmp", "etc", "root", "run");
    private static final List<String> HOST_DIRS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

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
        long bytes = dev.isobench.engine.spec.Sizes.parse("synthetic image size", parts[1]);
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
        List<MountSpec> binds = new ArrayList<>(List.of(
                new MountSpec(hostRoot.resolve("usr"), "/usr", true),
                new MountSpec(hostRoot.resolve("etc"), "/etc", true)));
        List<String> links = new ArrayList<>();
        for (String d : HOST_DIRS) {
            Path p = hostRoot.resolve(d);
            if (Files.isSymbolicLink(p)) links.add(d);
            else if (Files.isDirectory(p)) binds.add(new MountSpec(p, "/" + d, true));
        }
        StringBuilder version = new StringBuilder(binaries.version());
        for (MountSpec b : binds) version.append(b.target().hashCode());
        Path layer = dir.resolve("host-" + Integer.toHexString(version.toString().hashCode()));
        ensure(layer, tmp -> {
            for (String d : MOUNT_POINTS) Files.createDirectory(tmp.resolve(d));
            Files.createDirectories(tmp.resolve("var/tmp"));
            for (MountSpec b : binds) Files.createDirectories(tmp.resolve(b.target().substring(1)));
            for (String l : links) Files.createSymbolicLink(tmp.resolve(l), Files.readSymbolicLink(hostRoot.resolve(l)));
            Files.copy(binaries.probe(), tmp.resolve("probe"), StandardCopyOption.COPY_ATTRIBUTES);
        });
        return new Image("host", layer.getFileName().toString(), List.of(layer), binds, List.of(PATH_ENV), List.of("/bin/sh"), "", "");
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
                dev.isobench.engine.runtime.SafeDelete.tree(tmp); // another thread or engine built it first
            }
        } catch (IOException e) {
            throw new EngineException("cannot build image " + layer.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
