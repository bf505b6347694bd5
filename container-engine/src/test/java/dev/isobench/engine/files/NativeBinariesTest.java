package dev.isobench.engine.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeBinariesTest {
    @TempDir
    Path root;

    @Test
    void unpacksEachBinaryUnderTheHashOfThemAll() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String name : List.of(NativeBinaries.INIT, NativeBinaries.PROBE, NativeBinaries.PROXY, NativeBinaries.FLOOR, NativeBinaries.INROOT)) sha.update(resource(name));
        String expected = HexFormat.of().formatHex(sha.digest()).substring(0, 16);

        NativeBinaries binaries = NativeBinaries.unpack(root);

        assertEquals(expected, binaries.version(), "the Makefile's VERSION must name these binaries' content");
        assertEquals(root.resolve("bin").resolve(expected).resolve(NativeBinaries.INIT), binaries.init());
        for (Path p : List.of(binaries.init(), binaries.probe(), binaries.proxy(), binaries.floor(), binaries.inroot())) {
            assertTrue(Files.isExecutable(p), p + " is executable");
            assertArrayEquals(resource(p.getFileName().toString()), Files.readAllBytes(p));
        }
        assertEquals(5, Files.list(binaries.init().getParent()).count(), "no temporary file is left behind");
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = NativeBinaries.class.getResourceAsStream("/dev/isobench/engine/native/" + name)) {
            return in.readAllBytes();
        }
    }
}
