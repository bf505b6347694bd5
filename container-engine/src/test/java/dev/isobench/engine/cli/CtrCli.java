package dev.isobench.engine.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The ctr CLI as a user runs it, for tests: a JVM of its own on the test engine's root, its exit code, stdout and stderr. */
final class CtrCli {
    record Run(int code, String out, String err) {}

    private final TestEngine t;

    CtrCli(TestEngine t) {
        this.t = t;
    }

    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CtrCommand.class.getName(), "--root", t.root().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Run run(String... args) throws Exception {
        Path out = Files.createTempFile(t.root(), "out", "");
        Path err = Files.createTempFile(t.root(), "err", "");
        Process p = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "CLI did not finish: " + List.of(args));
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
