package dev.isobench.engine.oci;

import dev.isobench.engine.files.NativeBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runtime as a client sees it: an executable that runs {@code OciCommand} from the tests' class path with a
 * --root of the test's own first (a client's own --root after it wins), and a probe rootfs to give bundles.
 */
final class RuntimeBinary {
    final Path path;
    final Path root;

    RuntimeBinary(Path dir, Path root) throws IOException {
        this.root = root;
        this.path = dir.resolve("isobench-runtime");
        String script = "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + System.getProperty("java.class.path")
                + "' dev.isobench.engine.cli.OciCommand --root '" + root + "' \"$@\"\n";
        Files.writeString(path, script);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A root with only the probe binary and its mount points, as podman's --rootfs or a bundle's rootfs takes it. */
    static Path probeRootfs(Path dir) throws IOException {
        Path probe = NativeBinaries.unpack(dir.resolve("bin-root")).probe();
        Path rootfs = dir.resolve("rootfs");
        for (String d : List.of("dev", "proc", "sys")) Files.createDirectories(rootfs.resolve(d));
        Files.copy(probe, rootfs.resolve("probe"));
        Files.setPosixFilePermissions(rootfs.resolve("probe"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return rootfs;
    }

    record Result(int exitCode, String stdout, String stderr) {}

    Result run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(path.toString()));
        cmd.addAll(List.of(args));
        return exec(cmd, path.getParent());
    }

    static Result exec(List<String> cmd, Path workdir) {
        try {
            Path out = Files.createTempFile(workdir, "out", ".txt");
            Path err = Files.createTempFile(workdir, "err", ".txt");
            Process p = new ProcessBuilder(cmd).directory(workdir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish in 120 s");
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
