package dev.isobench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Copies a checked-in results fixture (from a real quick run, trimmed) into a scratch directory. */
final class Fixtures {
    private Fixtures() {}

    static Path copy(String name, Path into) throws IOException {
        Path src = Path.of("src/test/resources/fixtures", name);
        Path dst = into.resolve(name);
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dst;
    }
}
