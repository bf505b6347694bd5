package dev.isobench.bench.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * What a host needs to run isobench, as one tarball in the repository's layout: scripts/ (scripts/isobench runs
 * the jar, scripts/setup installs the peers), the shaded jar (the engine's C parts are resources in it) and the
 * resident engine's client. No sources and no build on the host: every host runs the very jar the controller built.
 */
final class Bundle {
    static final String JAR = "benchmarks/target/isobench.jar";
    static final String PROFILE = "profile.json";
    static final String CLIENT = "container-engine/target/classes/dev/isobench/engine/native/isobench-client";

    private Bundle() {}

    /** The repository a jar at benchmarks/target/isobench.jar belongs to. */
    static Path repositoryOf(Path jar) {
        Path repo = jar.toAbsolutePath().getParent().getParent().getParent();
        if (!jar.toAbsolutePath().endsWith(JAR) || !Files.isExecutable(repo.resolve("scripts/isobench"))) {
            throw new FleetException("fleet run works from a checkout: run it as scripts/isobench fleet run (this jar is " + jar + ")");
        }
        return repo;
    }

    /**
     * @param profile a profile file's whole profile (its "extends" resolved), packed as {@value #PROFILE} at the
     *     bundle's top: the hosts run the controller's file, not one of their own
     */
    static Path write(Path repo, Path to, Optional<byte[]> profile) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> scripts = Files.walk(repo.resolve("scripts"))) {
            scripts.filter(Files::isRegularFile).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new FleetException("cannot list " + repo.resolve("scripts") + ": " + e.getMessage(), e);
        }
        for (String f : List.of(JAR, CLIENT)) {
            if (!Files.isRegularFile(repo.resolve(f))) throw new FleetException("no " + repo.resolve(f) + ": build first (mvn -DskipTests package)");
            files.add(repo.resolve(f));
        }
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path f : files) {
                TarArchiveEntry e = new TarArchiveEntry(f.toFile(), repo.relativize(f).toString());
                e.setMode(mode(f));
                tar.putArchiveEntry(e);
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
            if (profile.isPresent()) {
                TarArchiveEntry e = new TarArchiveEntry(PROFILE);
                e.setMode(0100644);
                e.setSize(profile.get().length);
                tar.putArchiveEntry(e);
                tar.write(profile.get());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new FleetException("cannot write the bundle " + to + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new FleetException("cannot write the bundle " + to + ": " + e.getMessage(), e);
        }
        return to;
    }

    private static int mode(Path f) throws IOException {
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
        return p.contains(PosixFilePermission.OWNER_EXECUTE) ? 0100755 : 0100644;
    }
}
