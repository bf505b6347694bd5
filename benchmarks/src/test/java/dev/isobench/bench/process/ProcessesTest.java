package dev.isobench.bench.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.files.NativeBinaries;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peers' process runner: what a command gets and what comes back. */
class ProcessesTest {
    @TempDir
    Path scratch;

    @Test
    void exitStatusOutputAndErrorComeBack() {
        Execution e = Processes.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), scratch);
        assertEquals(3, e.exitCode());
        assertEquals("out\n", e.stdout());
        assertEquals("err\n", e.stderr());
        assertTrue(e.nanos() > 0);
    }

    @Test
    void aSignalEndsAsOneHundredTwentyEightPlusItsNumber() {
        assertEquals(143, Processes.run(List.of("sh", "-c", "kill -TERM $$"), scratch).exitCode());
    }

    /**
     * The probe reads its own /proc/self: the spawned process itself, with no shell in between (a shell blocks
     * every signal while it forks and waits, so reading a shell's status sees its own transient mask).
     */
    @Test
    void theCommandGetsNoBlockedOrIgnoredSignalAndNoDescriptorBeyondStdio() {
        Path probe = NativeBinaries.unpack(scratch.resolve("root")).probe();
        List<String> status = Processes.run(List.of(probe.toString(), "status"), scratch).stdout().lines()
                .filter(l -> l.startsWith("SigBlk:") || l.startsWith("SigIgn:")).toList();
        assertEquals(List.of("SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"), status);
        List<String> fds = Processes.run(List.of(probe.toString(), "fds"), scratch).stdout().lines().map(l -> l.split(" ")[0]).toList();
        assertEquals(List.of("0", "1", "2"), fds);
    }

    @Test
    void theEnvironmentIsPassedOn() {
        assertEquals(System.getenv("PATH") + "\n", Processes.run(List.of("sh", "-c", "echo \"$PATH\""), scratch).stdout());
    }

    @Test
    void aMissingCommandIsAClearError() {
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> Processes.run(List.of("no-such-command-isobench"), scratch));
        assertTrue(x.getMessage().contains("cannot run no-such-command-isobench"), x.getMessage());
    }

    @Test
    void waitStatusesDecodeAsAShellReportsThem() {
        assertEquals(0, dev.isobench.engine.sys.Native.exitCode(0));
        assertEquals(42, dev.isobench.engine.sys.Native.exitCode(42 << 8));
        assertEquals(137, dev.isobench.engine.sys.Native.exitCode(9));
    }
}
