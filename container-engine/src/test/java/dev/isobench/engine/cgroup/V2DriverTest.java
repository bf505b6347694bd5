package dev.isobench.engine.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v2 driver's file writes against a temporary tree shaped like a v2 hierarchy. */
class V2DriverTest {
    @TempDir
    Path root;

    @Test
    void createDelegatesOnlyMissingControllersAndNeverWritesOutsideIsobench() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "memory\n");
        Files.createDirectory(root.resolve("isobench"));
        Files.writeString(root.resolve("isobench/cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(root.resolve("isobench/cgroup.subtree_control"), "\n");
        Files.createDirectory(root.resolve("other"));

        V2Driver d = new V2Driver(root);
        d.create("c1");

        assertEquals("+cpu +pids +cpuset +io", Files.readString(root.resolve("cgroup.subtree_control")));
        assertEquals("+cpu +memory +pids +cpuset +io", Files.readString(root.resolve("isobench/cgroup.subtree_control")));
        assertTrue(Files.isDirectory(root.resolve("isobench/c1")));
        assertEquals(List.of(root.resolve("isobench/c1/cgroup.procs")), d.procsFiles("c1"));
        assertEquals(List.of("c1"), d.list());
        try (var s = Files.list(root.resolve("other"))) {
            assertFalse(s.findAny().isPresent(), "a group isobench did not make was touched");
        }
    }

    @Test
    void destroyOfAMissingGroupIsANoOp() {
        new V2Driver(root).destroy("gone");
        assertFalse(Files.exists(root.resolve("isobench/gone")));
    }
}
