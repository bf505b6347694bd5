package dev.isobench.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.TestEngine.Result;
import dev.isobench.engine.TestEngine;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Import of real archives into the store, run in real containers; bad archives leave nothing behind. */
@Tag("integration")
class ImageImportTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    private byte[] probeLayer() throws Exception {
        byte[] probe = Files.readAllBytes(t.engine().binaries().probe());
        return new OciArchive.Layer().dir("dev").dir("proc").dir("sys").dir("tmp").file("probe", probe, 0100755)
                .dir("etc").file("etc/a", "a from layer 1").file("etc/b", "b").dir("dir").file("dir/x", "x").file("dir/y", "y")
                .dir("keep").file("keep/k", "old").tar();
    }

    private byte[] upperLayer() throws Exception {
        return new OciArchive.Layer().dir("etc").file("etc/.wh.a", "").file("etc/c", "c new").link("etc/hl", "etc/c", TarArchiveEntry.LF_LINK)
                .link("etc/sl", "c", TarArchiveEntry.LF_SYMLINK).dir("dir").file("dir/.wh..wh..opq", "").file("dir/z", "z")
                .dir("keep").file("keep/k", "new").tar();
    }

    private Path archive(String name, boolean gzip) throws Exception {
        Path f = t.root().resolve(name);
        OciArchive.writeOci(f, "latest", List.of(probeLayer(), upperLayer()), gzip, null);
        return f;
    }

    private ImageImporter importer() {
        return new ImageImporter(t.engine().images().store(), false);
    }

    @ParameterizedTest
    @EnumSource(value = RootfsMode.class, names = {"OVERLAY", "COPY"})
    void whiteoutsAndOpaqueDirsGiveExactlyTheMergedTreeInside(RootfsMode rootfs) throws Exception {
        importer().importFrom(archive("layered.tar", true), Optional.empty());
        ContainerSpec.Builder b = ContainerSpec.builder().image("layered").rootfs(rootfs);
        assertEquals(List.of("b", "c", "hl", "sl"), t.run(b.command("/probe", "ls", "/etc")).lines().stream().sorted().toList());
        assertEquals(List.of("z"), t.run(b.command("/probe", "ls", "/dir")).lines());
        assertEquals("new", t.run(b.command("/probe", "cat", "/keep/k")).stdout());
        assertEquals("c new", t.run(b.command("/probe", "cat", "/etc/sl")).stdout());
        Result env = t.run(b.command("/probe", "env"));
        assertTrue(env.lines().contains("GREETING=hello"), env.stdout());
        assertEquals(List.of("/etc"), t.run(b.command("/probe", "cwd")).lines(), "the image's WorkingDir");
    }

    @ParameterizedTest
    @EnumSource(value = RootfsMode.class, names = {"OVERLAY", "COPY"})
    void inAUserNamespaceTheMergedTreeIsTheSameAndOwnedByRoot(RootfsMode rootfs) throws Exception {
        importer().importFrom(archive("layered.tar", true), Optional.empty());
        ContainerSpec.Builder b = ContainerSpec.builder().image("layered").rootfs(rootfs).userns(dev.isobench.engine.spec.IdMap.remap(400000, 65536));
        assertEquals(List.of("b", "c", "hl", "sl"), t.run(b.command("/probe", "ls", "/etc")).lines().stream().sorted().toList());
        assertEquals(List.of("z"), t.run(b.command("/probe", "ls", "/dir")).lines(), "the opaque dir hides the lower one");
        assertTrue(t.run(b.command("/probe", "stat", "/etc/c")).lines().contains("uid 0"));
    }

    @Test
    void aLayerMissingFromTheStoreIsNamedAndNothingIsMade() throws Exception {
        importer().importFrom(archive("layered.tar", true), Optional.empty());
        Path layer = t.engine().images().find("layered").orElseThrow().layers().get(0).toRealPath();
        dev.isobench.engine.files.SafeDelete.tree(layer);
        dev.isobench.engine.sys.EngineException e = org.junit.jupiter.api.Assertions.assertThrows(dev.isobench.engine.sys.EngineException.class,
                () -> t.engine().create(ContainerSpec.builder().image("layered").command("/probe", "true").build()));
        assertTrue(e.getMessage().contains("is missing from the store") && e.getMessage().contains("image rm layered"), e.getMessage());
        t.assertNoLeftovers();
    }

    @Test
    void aCopyRootfsHasTheSameHardLinkAndNoOverlayMarks() throws Exception {
        importer().importFrom(archive("layered.tar", false), Optional.empty());
        Container c = t.start(ContainerSpec.builder().image("layered").rootfs(RootfsMode.COPY).command("/probe", "sleep", "30"));
        Path root = c.dir().path().resolve("rootfs");
        assertEquals(Files.getAttribute(root.resolve("etc/c"), "unix:ino"), Files.getAttribute(root.resolve("etc/hl"), "unix:ino"));
        assertFalse(Files.exists(root.resolve("etc/a"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "whiteout node left in the copy");
        assertEquals(null, dev.isobench.engine.sys.Native.getXattr(root.resolve("dir").toString(), LayerExtractor.OPAQUE_XATTR));
    }

    @Test
    void aBottomLayersMarksApplyToEveryCopyAlsoOnceItsWalkIsKnown() throws Exception {
        byte[] probe = Files.readAllBytes(t.engine().binaries().probe());
        byte[] bottom = new OciArchive.Layer().dir("dev").dir("proc").dir("sys").dir("tmp").file("probe", probe, 0100755)
                .dir("etc").file("etc/.wh.gone", "").file("etc/kept", "k").dir("dir").file("dir/.wh..wh..opq", "").file("dir/x", "x").tar();
        Path f = t.root().resolve("marked.tar");
        OciArchive.writeOci(f, "latest", List.of(bottom), false, null);
        importer().importFrom(f, Optional.of("marked:1"));
        for (int i = 0; i < 2; i++) { // the second copy takes the layer's marks from the first one's walk
            Container c = t.start(ContainerSpec.builder().image("marked:1").rootfs(RootfsMode.COPY).command("/probe", "sleep", "30"));
            Path root = c.dir().path().resolve("rootfs");
            assertFalse(Files.exists(root.resolve("etc/gone"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "copy " + i + ": whiteout node left");
            assertTrue(Files.exists(root.resolve("etc/kept")), "copy " + i);
            assertEquals(null, dev.isobench.engine.sys.Native.getXattr(root.resolve("dir").toString(), LayerExtractor.OPAQUE_XATTR), "copy " + i);
            c.delete();
        }
    }

    @Test
    void marksLearnedAheadOfTheFirstCopyAreTheOnesItApplies() throws Exception {
        byte[] probe = Files.readAllBytes(t.engine().binaries().probe());
        byte[] bottom = new OciArchive.Layer().dir("dev").dir("proc").dir("sys").dir("tmp").file("probe", probe, 0100755)
                .dir("etc").file("etc/.wh.learned", "").file("etc/stays", "s").dir("deep").dir("deep/o").file("deep/o/.wh..wh..opq", "").tar();
        Path f = t.root().resolve("learned.tar");
        OciArchive.writeOci(f, "latest", List.of(bottom), false, null);
        importer().importFrom(f, Optional.of("learned:1"));
        // Learned first, so the copy takes these marks instead of walking the layer itself.
        dev.isobench.engine.rootfs.CopyProvisioner.learn(t.engine().images().find("learned:1").orElseThrow().layers().get(0));
        Container c = t.start(ContainerSpec.builder().image("learned:1").rootfs(RootfsMode.COPY).command("/probe", "sleep", "30"));
        Path root = c.dir().path().resolve("rootfs");
        assertFalse(Files.exists(root.resolve("etc/learned"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "whiteout node left");
        assertTrue(Files.exists(root.resolve("etc/stays")));
        assertEquals(null, dev.isobench.engine.sys.Native.getXattr(root.resolve("deep/o").toString(), LayerExtractor.OPAQUE_XATTR));
        c.delete();
    }

    @Test
    void theSameArchiveImportedTwiceStoresEachLayerOnce() throws Exception {
        Path f = archive("twice.tar", true);
        importer().importFrom(f, Optional.empty());
        importer().importFrom(f, Optional.of("again:v2"));
        try (var s = Files.list(t.root().resolve("layers"))) {
            assertEquals(2, s.count());
        }
        assertEquals(2, t.engine().images().store().refs().size());
        assertEquals(1, t.engine().images().store().images().size());
    }

    @Test
    void aDockerSaveArchiveImportsWithItsRepoTag() throws Exception {
        Path f = t.root().resolve("saved.tar");
        OciArchive.writeDocker(f, "saved/app:1.0", List.of(probeLayer(), upperLayer()));
        importer().importFrom(f, Optional.empty());
        assertEquals(0, t.run(ContainerSpec.builder().image("saved/app:1.0")).exitCode());
    }

    @Test
    void aLayerInUseIsKeptAndRemovalDeletesUnusedLayers() throws Exception {
        importer().importFrom(archive("used.tar", false), Optional.empty());
        ImageStore store = t.engine().images().store();
        Container c = t.start(ContainerSpec.builder().image("used").command("/probe", "sleep", "30"));
        EngineException e = assertThrows(EngineException.class, () -> store.remove("used", t.engine().imagesInUse()));
        assertTrue(e.getMessage().contains("used by a container"), e.getMessage());
        assertEquals(2, Files.list(t.root().resolve("layers")).count());
        c.delete();
        store.remove("used", t.engine().imagesInUse());
        assertEquals(0, Files.list(t.root().resolve("layers")).count());
    }

    @Test
    void badArchivesAreRefusedAndLeaveNothingInTheStore() throws Exception {
        byte[] good = probeLayer();
        assertRefused(List.of(good, new OciArchive.Layer().file("../evil", "x").tar()), "entry '../evil' contains '..'");
        assertRefused(List.of(good, new OciArchive.Layer().file("/abs", "x").tar()), "entry '/abs' is an absolute path");
        assertRefused(List.of(good, new OciArchive.Layer().link("up", "/", TarArchiveEntry.LF_SYMLINK).file("up/tmp/pwned", "x").tar()),
                "would be written through the symlink 'up'");
        assertRefused(List.of(good, new OciArchive.Layer().link("hl", "../../etc/passwd", TarArchiveEntry.LF_LINK).tar()), "contains '..'");
        assertRefused(List.of(good, new OciArchive.Layer().device("dev/sda", 8, 0).tar()), "device node 'dev/sda' is not allowed");

        Path truncated = t.root().resolve("truncated.tar");
        OciArchive.writeOci(truncated, "latest", List.of(good), true, null);
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
        assertTrue(assertThrows(EngineException.class, () -> importer().importFrom(truncated, Optional.empty()))
                .getMessage().contains("corrupt or truncated"));

        Path mismatch = t.root().resolve("mismatch.tar");
        OciArchive.writeOci(mismatch, "latest", List.of(good), false, List.of("sha256:" + "0".repeat(64)));
        assertTrue(assertThrows(EngineException.class, () -> importer().importFrom(mismatch, Optional.empty()))
                .getMessage().contains("digest mismatch"));
    }

    private void assertRefused(List<byte[]> layers, String expected) throws Exception {
        Path f = t.root().resolve("bad-" + System.nanoTime() + ".tar");
        OciArchive.writeOci(f, "latest", layers, true, null);
        EngineException e = assertThrows(EngineException.class, () -> importer().importFrom(f, Optional.empty()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(t.engine().images().store().images().isEmpty(), "image record left");
        assertTrue(t.engine().images().store().refs().isEmpty(), "ref left");
        try (var s = Files.list(t.root().resolve("layers"))) {
            assertEquals(List.of(), s.toList(), "layers left");
        }
        assertFalse(Files.exists(Path.of("/tmp/pwned")));
    }
}
