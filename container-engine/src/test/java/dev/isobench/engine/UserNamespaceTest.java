package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.Volume;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Root inside a user namespace is an unprivileged id outside, and the image still looks root-owned inside. */
@Tag("integration")
class UserNamespaceTest {
    private static final IdMap MAP = IdMap.remap(200000, 65536);

    @RegisterExtension
    final TestEngine t = new TestEngine();

    private static ContainerSpec.Builder userns(String... argv) {
        return ContainerSpec.builder().userns(MAP).command(argv);
    }

    @ParameterizedTest
    @EnumSource(value = RootfsMode.class, names = {"OVERLAY", "COPY"})
    void rootInsideIsTheMappedIdAndTheImageIsOwnedByRootInside(RootfsMode rootfs) {
        assertEquals(List.of("0 200000 65536"), t.run(userns("/probe", "cat", "/proc/self/uid_map").rootfs(rootfs)).lines().stream()
                .map(l -> l.trim().replaceAll("\\s+", " ")).toList());
        TestEngine.Result stat = t.run(userns("/probe", "stat", "/probe").rootfs(rootfs));
        assertTrue(stat.lines().contains("uid 0") && stat.lines().contains("gid 0"), stat.stdout());
        TestEngine.Result root = t.run(userns("/probe", "stat", "/").rootfs(rootfs));
        assertTrue(root.lines().contains("uid 0"), root.stdout());
        assertEquals(0, t.run(userns("/probe", "write", "/tmp/f", "x").rootfs(rootfs)).exitCode());
    }

    @Test
    void filesWrittenByRootInsideBelongToTheMappedIdOutside() throws Exception {
        Path shared = Files.createDirectory(t.root().resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(0, t.run(userns("/probe", "write", "/data/f", "x").volume(Volume.parse(shared + ":/data"))).exitCode());
        assertEquals(200000, Files.getAttribute(shared.resolve("f"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void rootInsideCannotWriteOrReadWhatOnlyHostRootMay() throws Exception {
        Path shared = Files.createDirectory(t.root().resolve("hostroot"));
        Path secret = Files.writeString(shared.resolve("secret"), "s");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(shared.resolve("owned"), "o");
        Volume v = Volume.parse(shared + ":/h");
        TestEngine.Result read = t.run(userns("/probe", "cat", "/h/secret").volume(v));
        assertNotEquals(0, read.exitCode());
        assertTrue(read.stderr().contains("Permission denied"), read.stderr());
        TestEngine.Result write = t.run(userns("/probe", "write", "/h/owned", "changed").volume(v));
        assertNotEquals(0, write.exitCode());
        assertEquals("o", Files.readString(shared.resolve("owned")));
        // The same container without a user namespace is host root, and may: the test can tell the two apart.
        assertEquals(0, t.run(ContainerSpec.builder().volume(v).command("/probe", "cat", "/h/secret")).exitCode());
    }

    @Test
    void execJoinsTheUserNamespace() {
        Container c = t.start(userns("/probe", "sleep", "30"));
        Path out = t.root().resolve("exec-out");
        assertEquals(0, c.exec(ExecSpec.of("/probe", "cat", "/proc/self/uid_map").withStdio(Stdio.toFiles(out, out))));
        assertEquals("0 200000 65536", TestEngine.read(out).trim().replaceAll("\\s+", " "));
        c.kill(9);
        c.waitFor();
    }

    @Test
    void mapsThatCannotWorkAreRefused() {
        assertThrowsMessage(() -> IdMap.parse("0"), "above 0");
        assertThrowsMessage(() -> IdMap.parse("x:1"), "HOSTBASE[:SIZE]");
        assertThrowsMessage(() -> IdMap.parse("4294967000:65536"), "32-bit");
    }

    private static void assertThrowsMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException x = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }
}
