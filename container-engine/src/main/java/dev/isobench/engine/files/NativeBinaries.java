package dev.isobench.engine.files;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The static binaries built from src/main/c, unpacked from the jar to {@code <root>/bin/<sha256 prefix>/NAME}:
 * a changed binary gets a new path, and a file is renamed into place only once complete.
 */
public final class NativeBinaries {
    public static final String INIT = "isobench-init";
    public static final String PROBE = "probe";
    public static final String PROXY = "isobench-proxy";
    /** The least a container start must do: the startup suite's floor target. */
    public static final String FLOOR = "isobench-floor";
    /** A static program run with a container's root as its root: ctr cp's tar. */
    public static final String INROOT = "isobench-inroot";
    /** Written by the Makefile: the first 16 hex digits of the SHA-256 of the unpacked binaries in this order. */
    private static final String VERSION = "VERSION";

    private final Path dir;

    private NativeBinaries(Path dir) {
        this.dir = dir;
    }

    /** Unpacks the binaries (once per content) under {@code root/bin}. */
    public static NativeBinaries unpack(Path root) {
        Path dir = root.resolve("bin").resolve(new String(resource(VERSION), StandardCharsets.US_ASCII).strip());
        for (String name : List.of(INIT, PROBE, PROXY, FLOOR, INROOT)) install(dir, name);
        return new NativeBinaries(dir);
    }

    public Path init() {
        return dir.resolve(INIT);
    }

    public Path probe() {
        return dir.resolve(PROBE);
    }

    public Path proxy() {
        return dir.resolve(PROXY);
    }

    public Path floor() {
        return dir.resolve(FLOOR);
    }

    public Path inroot() {
        return dir.resolve(INROOT);
    }

    /** The content hash that names this build's directory; images built from the probe reuse it. */
    public String version() {
        return dir.getFileName().toString();
    }

    /**
     * Deletes the binaries other builds unpacked under {@code root/bin}. A monitor or proxy already running from
     * them keeps its program (an unlinked file stays readable to whoever has it open or mapped); new containers
     * use this build's. Returns the versions deleted.
     */
    public List<String> pruneOthers() {
        List<String> removed = new ArrayList<>();
        try (var s = Files.list(dir.getParent())) {
            for (Path other : s.toList()) {
                if (other.equals(dir) || !other.getFileName().toString().matches("[0-9a-f]{16}")) continue;
                SafeDelete.tree(other);
                removed.add(other.getFileName().toString());
            }
        } catch (IOException e) {
            throw new EngineException("cannot list " + dir.getParent() + ": " + e.getMessage(), e);
        }
        return removed;
    }

    private static void install(Path dir, String name) {
        Path target = dir.resolve(name);
        if (Files.isExecutable(target)) return;
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".tmp");
            Files.write(tmp, resource(name));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new EngineException("cannot install " + target + " atomically: " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new EngineException("cannot unpack " + name + " to " + dir + ": " + e.getMessage()
                    + " (check that the engine root is writable, or pass --root)", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = NativeBinaries.class.getResourceAsStream("/dev/isobench/engine/native/" + name)) {
            if (in == null) {
                throw new EngineException("the jar holds no native " + name + ": rebuild with 'mvn package' (needs gcc and a static libc)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new EngineException("cannot read native " + name + " from the jar: " + e.getMessage(), e);
        }
    }
}
