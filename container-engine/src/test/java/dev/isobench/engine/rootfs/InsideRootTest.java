package dev.isobench.engine.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mount destination never resolves outside the root, whatever the rootfs's links say. */
class InsideRootTest {
    @TempDir
    Path root;

    @Test
    void plainPathsAndMissingOnesStayAsTheyAre() {
        assertEquals(root.resolve("etc/hosts"), InsideRoot.resolve(root, "/etc/hosts"));
        assertEquals(root.resolve("a/b"), InsideRoot.resolve(root, "/a/./c/../b"));
    }

    @Test
    void anAbsoluteLinkIsFollowedFromTheRoot() throws IOException {
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/tmp/evil"));
        assertEquals(root.resolve("tmp/evil/hosts"), InsideRoot.resolve(root, "/etc/hosts"));
    }

    @Test
    void dotDotCannotClimbAboveTheRoot() throws IOException {
        Files.createDirectories(root.resolve("var"));
        Files.createSymbolicLink(root.resolve("var/run"), Path.of("../../../../run"));
        assertEquals(root.resolve("run/x"), InsideRoot.resolve(root, "/var/run/x"));
        assertEquals(root.resolve("proc"), InsideRoot.resolve(root, "/../../proc"));
    }

    @Test
    void aLinkLoopIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> InsideRoot.resolve(root, "/loop/x"));
    }
}
