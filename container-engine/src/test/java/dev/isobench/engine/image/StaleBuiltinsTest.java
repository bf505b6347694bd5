package dev.isobench.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isobench.engine.files.NativeBinaries;
import dev.isobench.engine.spec.IdMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What other builds of isobench leave in an engine root, and what 'ctr image prune' takes out of it. */
@Tag("integration")
class StaleBuiltinsTest {
    private static final String OTHER = "0123456789abcdef";

    @TempDir
    Path root;
    @TempDir
    Path hostRoot;

    private NativeBinaries binaries;
    private BuiltinImages builtins;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(hostRoot.resolve("usr"));
        Files.createDirectories(hostRoot.resolve("etc"));
        binaries = NativeBinaries.unpack(root);
        builtins = new BuiltinImages(root, binaries, hostRoot);
        dir = root.resolve("images/builtin");
    }

    @Test
    void imagesOfOtherBuildsGoUnlessAContainerUsesThemAndThisBuildsStay() throws Exception {
        List<String> current = List.of(builtins.probe().id(), builtins.layered("layers:2").id(), builtins.synthetic("synthetic:4k:1").id(),
                builtins.host().id());
        for (String stale : List.of("probe-" + OTHER, "layers-2-" + OTHER, "synthetic-4096-1-" + OTHER, "host-deadbee", "probe-aaaaaaaaaaaaaaaa",
                ".tmp-crashed", ".tmp-building", "notes")) {
            Files.createDirectories(dir.resolve(stale));
        }
        Files.setLastModifiedTime(dir.resolve(".tmp-crashed"), FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Path shifted = root.resolve("images/shifted/100000-65536");
        String storeLayer = "ab".repeat(32);
        for (String copy : List.of("probe-" + OTHER, "layers-2-" + OTHER + "-l0", current.get(1) + "-l0", current.get(0), storeLayer)) {
            Files.createDirectories(shifted.resolve(copy));
        }

        List<String> removed = builtins.pruneStale(Set.of("probe-aaaaaaaaaaaaaaaa"));

        assertEquals(Set.of("probe-" + OTHER, "layers-2-" + OTHER, "synthetic-4096-1-" + OTHER, "host-deadbee", ".tmp-crashed"), Set.copyOf(removed));
        for (String kept : current) assertTrue(Files.isDirectory(dir.resolve(kept)), "this build's " + kept + " stays");
        assertTrue(Files.isDirectory(dir.resolve("probe-aaaaaaaaaaaaaaaa")), "an image a container uses stays");
        assertTrue(Files.isDirectory(dir.resolve(".tmp-building")), "a build in progress stays");
        assertTrue(Files.isDirectory(dir.resolve("notes")), "what is not a built-in image is not touched");
        assertEquals(Set.of(current.get(1) + "-l0", current.get(0), storeLayer), names(shifted), "user-namespace copies go with their image");
    }

    @Test
    void binariesOfOtherBuildsGo() throws Exception {
        Path other = Files.createDirectories(root.resolve("bin").resolve(OTHER));
        Files.writeString(other.resolve("probe"), "old");
        Files.createDirectories(root.resolve("bin/not-a-version"));

        assertEquals(List.of(OTHER), binaries.pruneOthers());
        assertFalse(Files.exists(other));
        assertTrue(Files.isExecutable(binaries.probe()), "this build's binaries stay");
        assertTrue(Files.isDirectory(root.resolve("bin/not-a-version")));
    }

    @Test
    void aStacksLayersGetUserNamespaceCopiesNamedWithTheirStack() throws Exception {
        assumeTrue(dev.isobench.engine.sys.Native.isRoot(), "the copies are chowned: needs root");
        Image image = builtins.layered("layers:2");
        Image shifted = new ShiftedLayers(root).shift(image, IdMap.DEFAULT);
        assertEquals(List.of(image.id() + "-l1", image.id() + "-l0"), shifted.layers().stream().map(p -> p.getFileName().toString()).toList());
    }

    private static Set<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
