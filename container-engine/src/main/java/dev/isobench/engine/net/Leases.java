package dev.isobench.engine.net;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.files.AtomicFile;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Addresses are handed out in turn, after the last one given ({@code last-allocated} beside the table), not the
 * lowest free one, as Docker's IPAM does: a container's network namespace is torn down asynchronously after its
 * delete, with its veth still on the bridge and the host's neighbour entry still naming its MAC, so an address
 * handed out again at once was on the bridge twice, and the host's connections went to the dying one (refused,
 * or silent for TCP's 15 minutes of retries: seen in the network suite and NetworkTest).
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
    /** The host number given last; read and written under the lock, with the table. */
    private int lastAllocated;

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

    /** The address given to the container: the next free one after the one given last. */
    public String allocate(Lease lease) {
        return locked(leases -> allocateIn(leases, lease));
    }

    /** Allocation inside a {@link #locked} action. */
    String allocateIn(Map<String, Lease> leases, Lease lease) {
        int size = last - first + 1;
        for (int i = 1; i <= size; i++) {
            int n = first + Math.floorMod(lastAllocated - first + i, size);
            String address = "10.88." + (n >> 8) + "." + (n & 255);
            if (!leases.containsKey(address)) {
                leases.put(address, lease);
                lastAllocated = n;
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
                    Path cursor = dir.resolve("last-allocated");
                    Map<String, Lease> leases = Files.exists(file)
                            ? new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, Lease>>() {}))
                            : new TreeMap<>();
                    lastAllocated = Files.exists(cursor) ? Integer.parseInt(Files.readString(cursor).strip()) : first - 1;
                    int before = lastAllocated;
                    T result = action.apply(leases);
                    AtomicFile.write(file, tmp -> JSON.writeValue(tmp.toFile(), leases));
                    if (lastAllocated != before) AtomicFile.write(cursor, Integer.toString(lastAllocated).getBytes(StandardCharsets.US_ASCII));
                    return result;
                }
            } catch (IOException | NumberFormatException e) {
                throw new EngineException("cannot read or write the lease file in " + dir + ": " + e.getMessage()
                        + " (if it was edited by hand, delete it and run isobench ctr gc)", e);
            }
        }
    }
}
