package dev.isobench.bench.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the host programs the workloads run: on PATH, or PostgreSQL's in its versioned directory. */
public final class Programs {
    private static final Path POSTGRES_LIB = Path.of("/usr/lib/postgresql");

    private Programs() {}

    /** The program's path on PATH (or, for PostgreSQL's server programs, in Debian's newest /usr/lib/postgresql/N/bin). */
    public static Optional<Path> find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return Optional.of(p);
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return postgresBin().map(bin -> bin.resolve(name)).filter(Files::isExecutable);
    }

    /** Like {@link #find}, or an error that names the package to install. */
    public static String require(String name, String pkg) {
        return find(name).map(Path::toString).orElseThrow(() -> new IllegalStateException(name + " is not installed (apt-get install " + pkg + ")"));
    }

    /** The missing programs and their packages, as one reason; empty when all are there. */
    static Optional<String> missing(Map<String, String> programs) {
        List<String> gone = new ArrayList<>();
        programs.forEach((name, pkg) -> {
            if (find(name).isEmpty()) gone.add(name + " (apt-get install " + pkg + ")");
        });
        return gone.isEmpty() ? Optional.empty() : Optional.of("not installed: " + String.join(", ", gone.stream().sorted().toList()));
    }

    /** Debian's newest PostgreSQL server directory, where postgres and initdb live (not on PATH). */
    private static Optional<Path> postgresBin() {
        if (!Files.isDirectory(POSTGRES_LIB)) return Optional.empty();
        try (Stream<Path> versions = Files.list(POSTGRES_LIB)) {
            return versions.filter(v -> v.getFileName().toString().matches("[0-9]+") && Files.isDirectory(v.resolve("bin")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString()))).map(v -> v.resolve("bin"));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
