package dev.isobench.engine.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge's address pool: a freed address is not handed out again until the pool has come round. */
class LeasesTest {
    @TempDir
    Path dir;

    private static Leases.Lease lease(String id) {
        return new Leases.Lease(id, id, id, "/r");
    }

    private static void release(Leases leases, String id) {
        leases.locked(table -> table.values().removeIf(l -> l.id().equals(id)));
    }

    @Test
    void aFreedAddressIsGivenAgainOnlyAfterTheOthers() {
        Leases pool = new Leases(dir, 2, 4);
        assertEquals("10.88.0.2", pool.allocate(lease("a")));
        release(pool, "a");
        // the dying container's namespace may still hold .2 on the bridge: the next one gets .3
        assertEquals("10.88.0.3", pool.allocate(lease("b")));
        assertEquals("10.88.0.4", pool.allocate(lease("c")));
        assertEquals("10.88.0.2", pool.allocate(lease("d")), "round again, past the end of the pool");
        release(pool, "b");
        assertEquals("10.88.0.3", pool.allocate(lease("e")), "the only free one");
    }

    @Test
    void theTurnIsKeptAcrossInstancesAsAcrossProcesses() {
        assertEquals("10.88.0.2", new Leases(dir, 2, 4).allocate(lease("a")));
        release(new Leases(dir, 2, 4), "a");
        assertEquals("10.88.0.3", new Leases(dir, 2, 4).allocate(lease("b")));
    }
}
