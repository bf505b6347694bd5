package dev.isobench.bench.target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine as an OCI runtime binary for the clients' runs: an executable in the workspace that runs
 * {@code isobench oci} on this JVM's own class path with scripts/isobench-runtime's JVM flags (and its class-data
 * archive, where scripts/isobench has dumped one for this jar), so podman and dockerd can be given its path.
 */
final class IsobenchRuntime {
    private IsobenchRuntime() {}

    /** @param dir where the wrapper and its engine root ({@code oci-root}, unless a client gives its own --root) go */
    static Path write(Path dir) {
        String classPath = System.getProperty("java.class.path");
        List<String> jvm = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Xmx384m"));
        Path jsa = Path.of(classPath + ".jsa");
        try {
            if (classPath.endsWith(".jar") && Files.isRegularFile(jsa)
                    && !Files.getLastModifiedTime(Path.of(classPath)).toInstant().isAfter(Files.getLastModifiedTime(jsa).toInstant())) {
                jvm.add("-XX:SharedArchiveFile=" + jsa);
            }
            Files.createDirectories(dir);
            Path script = dir.resolve("isobench-runtime");
            StringBuilder s = new StringBuilder("#!/bin/sh\nexec");
            for (String a : jvm) s.append(" '").append(a).append('\'');
            s.append(" -cp '").append(classPath).append("' dev.isobench.engine.cli.OciCommand --root '").append(dir.resolve("oci-root")).append("' \"$@\"\n");
            Files.writeString(script, s);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return script;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the isobench runtime wrapper in " + dir + ": " + e.getMessage(), e);
        }
    }
}
