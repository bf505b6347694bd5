package dev.isobench.bench.targets;

import dev.isobench.engine.proc.ProcessInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine as an OCI runtime binary for the clients' runs, in two forms: {@code isobench-runtime}, each verb
 * through the thin C client and the resident engine of its --root (started on demand, idle after 30 s), and
 * {@code isobench-runtime-jvm}, a JVM per verb. Both run this JVM's own class path with scripts/isobench-runtime's
 * JVM flags (and its class-data archive, where scripts/isobench has dumped one for this jar).
 */
public final class IsobenchRuntime {
    static final String RESIDENT = "isobench-runtime";
    static final String JVM = "isobench-runtime-jvm";
    private static final String SERVER_CLASS = "dev.isobench.engine.server.EngineServer";

    private IsobenchRuntime() {}

    /** @param dir where the wrappers, the client and their engine root ({@code oci-root}, unless a client gives its own --root) go */
    public static Path write(Path dir) {
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
            StringBuilder java = new StringBuilder();
            for (String a : jvm) java.append('\'').append(a).append("' ");
            java.append("-cp '").append(classPath).append('\'');
            String root = "--root '" + dir.resolve("oci-root") + "'";
            executable(dir.resolve(JVM), "#!/bin/sh\nexec " + java + " dev.isobench.engine.cli.OciCommand " + root + " \"$@\"\n");
            executable(dir.resolve("isobench-ctr"), clientScript(dir, java.toString(), "ctr"));
            // The runtime binary is the client itself, by the name isobench-runtime: no shell between a client's verb and
            // the engine; its settings are in isobench-client.env beside it
            String serve = "exec " + java + " " + SERVER_CLASS + " serve --root \"$1\" --idle-seconds 30 >> \"$1/engine.log\" 2>&1";
            Files.writeString(dir.resolve("isobench-client.env"), "ISOBENCH_SERVE=" + serve + "\nISOBENCH_JVM=" + java
                    + " dev.isobench.engine.cli.CtrCommand\nISOBENCH_OCI_ROOT=" + dir.resolve("oci-root") + "\n");
            Files.deleteIfExists(dir.resolve(RESIDENT));
            Files.createLink(dir.resolve(RESIDENT), dir.resolve("isobench-client"));
            return dir.resolve(RESIDENT);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the isobench runtime wrappers in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The resident-engine client for {@code isobench ctr} calls, as scripts/isobench runs them (written by {@link #write}). */
    public static Path ctrClient(Path dir) {
        return dir.resolve("isobench-ctr");
    }

    /** A script that runs the thin client with the engine's start and fallback commands; {@code verb} and its first flags. */
    private static String clientScript(Path dir, String java, String verb) throws IOException {
        Path client = dir.resolve("isobench-client");
        if (!Files.exists(client)) {
            try (InputStream in = IsobenchRuntime.class.getResourceAsStream("/dev/isobench/engine/native/isobench-client")) {
                if (in == null) throw new IllegalStateException("the isobench-client binary is not on the class path");
                Files.copy(in, client, StandardCopyOption.REPLACE_EXISTING);
            }
            executable(client, null);
        }
        String serve = "exec " + java + " " + SERVER_CLASS + " serve --root \"$1\" --idle-seconds 30 >> \"$1/engine.log\" 2>&1";
        return "#!/bin/sh\nexport ISOBENCH_SERVE=" + quote(serve) + "\nexport ISOBENCH_JVM=" + quote(java + " dev.isobench.engine.cli.CtrCommand")
                + "\nexec '" + client + "' " + verb + " \"$@\"\n";
    }

    /** The resident engines serving roots under any of these directories (the workspace, a dockerd's exec root): stopped. */
    public static void stopEngines(List<Path> under) {
        ProcessInfo.commandLines().entrySet().stream().filter(e -> {
            String cmd = e.getValue();
            return cmd.contains(SERVER_CLASS + " serve --root") && under.stream().anyMatch(d -> cmd.contains("--root " + d));
        }).flatMap(e -> ProcessHandle.of(e.getKey()).stream()).forEach(p -> { // TERM: it removes its socket, pid file and prepared groups
            p.destroy();
            try {
                p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void executable(Path file, String text) throws IOException {
        if (text != null) Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
