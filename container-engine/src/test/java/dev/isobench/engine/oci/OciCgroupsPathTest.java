package dev.isobench.engine.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.engine.TestEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * linux.cgroupsPath as the runtime spec says, in every hierarchy the engine uses: an absolute path from each
 * hierarchy's root, a relative one under the engine's isobench/; the container's processes and limits are there,
 * and a delete (or a gc) removes exactly the groups its create made, never one it found.
 */
@Tag("integration")
class OciCgroupsPathTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestEngine test = new TestEngine();
    private RuntimeBinary runtime;
    private Path bundle;
    private ObjectNode config;
    private List<Path> roots;
    private final String tag = "isb-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @BeforeEach
    void bundle() throws IOException {
        roots = test.engine().cgroups().roots();
        assumeTrue(!roots.isEmpty(), "needs a cgroup hierarchy");
        Path dir = Files.createDirectories(test.root().resolve("work"));
        runtime = new RuntimeBinary(dir, test.root());
        bundle = Files.createDirectories(dir.resolve("bundle"));
        RuntimeBinary.probeRootfs(bundle);
        config = (ObjectNode) JSON.readTree(RuntimeFeatures.exampleConfig());
        var args = ((ObjectNode) config.get("process")).putArray("args");
        args.add("/probe").add("spin").add("60");
        ((ObjectNode) config.get("linux")).putObject("resources").putObject("pids").put("limit", 77);
    }

    private void create(String id, String cgroupsPath) throws IOException {
        ((ObjectNode) config.get("linux")).put("cgroupsPath", cgroupsPath);
        Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config));
        RuntimeBinary.Result r = runtime.run("create", "--bundle", bundle.toString(), id);
        assertEquals(0, r.exitCode(), r.stderr());
        test.seen(id);
    }

    private int pid(String id) throws IOException {
        RuntimeBinary.Result s = runtime.run("state", id);
        assertEquals(0, s.exitCode(), s.stderr());
        return JSON.readTree(s.stdout()).get("pid").asInt();
    }

    /** The process is in the group at that path in every hierarchy, and the pids limit is written there. */
    private void assertPlaced(String id, String relative) throws IOException {
        String pid = Integer.toString(pid(id));
        for (Path root : roots) {
            Path group = root.resolve(relative);
            assertTrue(Files.readAllLines(group.resolve("cgroup.procs")).contains(pid), "pid " + pid + " in " + group);
            if (Files.exists(group.resolve("pids.max"))) assertEquals("77", Files.readString(group.resolve("pids.max")).trim(), group + "/pids.max");
        }
    }

    private void delete(String id) {
        assertEquals(0, runtime.run("delete", "--force", id).exitCode());
    }

    @Test
    void anAbsolutePathIsFromEachHierarchysRootAndGoesWithTheContainer() throws IOException {
        create("abs", "/" + tag + "/pod/ctr");
        assertPlaced("abs", tag + "/pod/ctr");
        delete("abs");
        for (Path root : roots) assertFalse(Files.exists(root.resolve(tag)), "every group the create made is removed: " + root.resolve(tag));
        test.assertNoLeftovers();
    }

    @Test
    void aRelativePathIsUnderTheEnginesParent() throws IOException {
        create("rel", tag + "/ctr");
        assertPlaced("rel", "isobench/" + tag + "/ctr");
        delete("rel");
        for (Path root : roots) assertFalse(Files.exists(root.resolve("isobench").resolve(tag)), "removed: " + root.resolve("isobench").resolve(tag));
        test.assertNoLeftovers();
    }

    /** One part, so under isobench/ beside the engine's own groups: still recorded, and gone with its container. */
    @Test
    void aOnePartRelativePathGoesWithItsContainer() throws IOException {
        create("onepart", tag);
        assertPlaced("onepart", "isobench/" + tag);
        delete("onepart");
        for (Path root : roots) assertFalse(Files.exists(root.resolve("isobench").resolve(tag)), "removed: " + root.resolve("isobench").resolve(tag));
        test.assertNoLeftovers();
    }

    /** A one-part relative path names a group beside the engine's own: one that was there stays after delete. */
    @Test
    void aOnePartGroupTheCreateFoundIsLeft() throws IOException {
        for (Path root : roots) Files.createDirectories(root.resolve("isobench").resolve(tag));
        try {
            create("foundone", tag);
            assertPlaced("foundone", "isobench/" + tag);
            delete("foundone");
            for (Path root : roots) assertTrue(Files.isDirectory(root.resolve("isobench").resolve(tag)), "the group it found stays");
        } finally {
            for (Path root : roots) Files.deleteIfExists(root.resolve("isobench").resolve(tag));
        }
        test.assertNoLeftovers();
    }

    /** The runtime spec: resources associated with the container but not created by it MUST NOT be deleted. */
    @Test
    void aGroupTheCreateFoundIsLeftWhereItWas() throws IOException {
        for (Path root : roots) Files.createDirectory(root.resolve(tag));
        try {
            create("found", "/" + tag + "/ctr");
            assertPlaced("found", tag + "/ctr");
            delete("found");
            for (Path root : roots) {
                assertFalse(Files.exists(root.resolve(tag).resolve("ctr")), "the container's own group is removed");
                assertTrue(Files.isDirectory(root.resolve(tag)), "the group it found stays: " + root.resolve(tag));
            }
        } finally {
            for (Path root : roots) Files.deleteIfExists(root.resolve(tag));
        }
        test.assertNoLeftovers();
    }

    @Test
    void gcRemovesTheGroupsOfAContainerItCollects() throws IOException {
        create("collected", "/" + tag + "/ctr");
        test.engine().gc(true);
        for (Path root : roots) assertFalse(Files.exists(root.resolve(tag)), "gc removes what the create made: " + root.resolve(tag));
        test.assertNoLeftovers();
    }

    @Test
    void aPathThatClimbsOutIsRefusedByNameAndLeavesNothing() throws IOException {
        ((ObjectNode) config.get("linux")).put("cgroupsPath", "/" + tag + "/../escape");
        Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config));
        RuntimeBinary.Result r = runtime.run("create", "--bundle", bundle.toString(), "bad");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("linux.cgroupsPath") && r.stderr().contains("'..'"), r.stderr());
        for (Path root : roots) assertFalse(Files.exists(root.resolve(tag)), "nothing made");
        test.assertNoLeftovers();
    }
}
