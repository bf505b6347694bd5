package dev.isobench.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The spread of repeated runs, and the machine's own drift printed beside it. */
class SpreadCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsEachFiguresSpreadAndSaysWhenTheMachineItselfMoved() throws Exception {
        String out = spread(run("a", 10.0, 2.0, 80.0), run("b", 11.0, 2.5, 100.0), run("c", 12.0, 2.2, 90.0));
        assertEquals(List.of("10.00", "11.00", "12.00", "18.2%", "(over", "5%)"), figures(out, "startup p50 engine (ms)"));
        assertEquals(List.of("80.00", "100.0", "90.00", "22.2%"), figures(out, "runc run, p50 (ms)"), "references are not flagged");
        assertTrue(out.contains("The machine's own speed moved 23% between these runs"), out); // host exec: (2.5 - 2.0) / 2.2
    }

    @Test
    void saysNothingOfTheMachineWhenItHeldStill() throws Exception {
        String out = spread(run("a", 10.0, 2.0, 80.0), run("b", 10.1, 2.02, 80.5));
        assertEquals(List.of("10.00", "10.10", "1.0%"), figures(out, "startup p50 engine (ms)"));
        assertFalse(out.contains("The machine's own speed moved"), out);
    }

    /** The words after a figure's name on its line. */
    private static List<String> figures(String out, String name) {
        String line = out.lines().filter(l -> l.startsWith(name)).findFirst().orElseThrow(() -> new AssertionError(name + " missing:\n" + out));
        return List.of(line.substring(name.length()).trim().split("\\s+"));
    }

    private String spread(Path... runs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            String[] args = java.util.Arrays.stream(runs).map(Path::toString).toArray(String[]::new);
            assertEquals(0, new CommandLine(new SpreadCommand()).execute(args));
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A results directory holding only the startup medians of the engine, the host and runc. */
    private Path run(String name, double engine, double host, double runc) throws Exception {
        Path run = Files.createDirectories(dir.resolve(name));
        Files.writeString(run.resolve("manifest.json"), "{\"format\": 1, \"complete\": true}");
        List<String> csv = List.of("suite,benchmark,target,variant,param,metric,unit,value,ci_low,ci_high,samples",
                "startup,start-to-exit,host,,,median,ms," + host + ",,,40",
                "startup,start-to-exit,runc,,,median,ms," + runc + ",,,40",
                "startup,start-to-exit,engine,,,median,ms," + engine + ",,,40");
        Files.write(run.resolve("startup.csv"), csv);
        return run;
    }
}
