package dev.isobench.engine.net;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.sys.AtomicFile;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Addresses on the bridge, one per container, in {@code /run/isobench/network/leases.json}: host-wide like the
 * bridge itself, so engines with different roots never hand out the same address; each lease names its root. Every change holds an
 * exclusive lock on {@code .lock} (between processes) and this class's monitor (between threads, which
 * a file lock does not separate), and is written to a temporary file and renamed into place.
 */
public final class Leases {
    /** Who holds an address. */
    public record Lease(String id, String name, String hostname, String root) {}

    /** Where the host's leases live (runtime state: gone with a reboot, like the bridge). */
    public static final Path RUN_DIR = Path.of("/run/isobench/network");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object THREADS = new Object();

    private final Path dir;
    private final int first;
    private final int last;

    /** The pool 10.88.0.2 .. 10.88.255.254. */
    public Leases() {
        this(RUN_DIR, 2, (255 << 8) + 254);
    }

    /** A pool of host numbers first..last in 10.88.0.0/16 kept in dir (tests use a small one). */
    Leases(Path dir, int first, int last) {
        this.dir = dir;
        this.first = first;
        this.last = last;
    }

    /** The address given to the container: the lowest free one. */
    public String allocate(Lease lease) {
        return locked(leases -> allocateIn(leases, lease));
    }

    /** Allocation inside a {@link #locked} action. */
    String allocateIn(Map<String, Lease> leases, Lease lease) {
        for (int n = first; n <= last; n++) {
            String address = "10.88." + (n >> 8) + "." + (n & 255);
            if (!leases.containsKey(address)) {
                leases.put(address, lease);
                return address;
            }
        }
        throw new EngineException("the bridge's address pool is exhausted (" + (last - first + 1) + " addresses in 10.88.0.0/16 in use);"
                + " remove containers (isobench ctr rm) or collect leftovers (isobench ctr gc)");
    }

    public Map<String, Lease> all() {
        return locked(leases -> new TreeMap<>(leases));
    }

    /** Runs an action on the lease table while holding the lock, then saves it. */
    <T> T locked(Function<Map<String, Lease>, T> action) {
        synchronized (THREADS) {
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    Path file = dir.resolve("leases.json");
                    Map<String, Lease> leases = Files.exists(file)
                            ? new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, Lease>>() {}))
                            : new TreeMap<>();
                    T result = action.apply(leases);
                    AtomicFile.write(file, tmp -> JSON.writeValue(tmp.toFile(), leases));
                    return result;
                }
            } catch (IOException e) {
                throw new EngineException("cannot read or write the lease file in " + dir + ": " + e.getMessage()
                        + " (if it was edited by hand, delete it and run isobench ctr gc)", e);
            }
        }
    }
}
