package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Volume;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
class VolumeTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    @Test
    void aHostDirectoryIsSharedReadWriteOrReadOnly() throws Exception {
        Path shared = Files.createDirectory(t.root().resolve("shared"));
        assertEquals(0, t.run(ContainerSpec.builder().volume(Volume.parse(shared + ":/data/in")).command("/probe", "write", "/data/in/f", "hi")).exitCode());
        assertEquals("hi", Files.readString(shared.resolve("f")));
        TestEngine.Result ro = t.run(ContainerSpec.builder().volume(Volume.parse(shared + ":/data:ro")).command("/probe", "write", "/data/g", "x"));
        assertNotEquals(0, ro.exitCode());
        assertTrue(ro.stderr().contains("Read-only file system"), ro.stderr());
    }

    @Test
    void anAnonymousVolumeIsWritableAndGoesWithTheContainer() {
        assertEquals(0, t.run(ContainerSpec.builder().volume(Volume.parse("/scratch")).command("/probe", "write", "/scratch/f", "x")).exitCode());
    }

    @Test
    void badVolumesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Volume.parse("relative:/x"));
        assertThrows(IllegalArgumentException.class, () -> Volume.parse("/a:/b:rx"));
        EngineException e = assertThrows(EngineException.class, () -> t.engine().create(ContainerSpec.builder()
                .volume(Volume.parse("/no/such/dir:/x")).command("/probe", "true").build()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void syntheticImagesAreDeterministicAndRunnable() throws Exception {
        assertEquals(0, t.run(ContainerSpec.builder().image("synthetic:2m:100").command("/probe", "true")).exitCode());
        Path layer = t.engine().images().builtins().synthetic("synthetic:2m:100").layers().get(0);
        Path other = Files.createTempDirectory(t.root(), "again");
        dev.isobench.engine.image.SyntheticTree.generate(other, 2L << 20, 100);
        try (var a = Files.walk(layer.resolve("usr")); var b = Files.walk(other.resolve("usr"))) {
            List<Path> files = a.filter(Files::isRegularFile).map(p -> layer.relativize(p)).sorted().toList();
            assertEquals(files, b.filter(Files::isRegularFile).map(p -> other.relativize(p)).sorted().toList());
            assertEquals(100, files.size());
            long total = 0;
            for (Path f : files) {
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(layer.resolve(f)), Files.readAllBytes(other.resolve(f))), f.toString());
                total += Files.size(layer.resolve(f));
            }
            assertEquals(2L << 20, total);
        }
    }
}
