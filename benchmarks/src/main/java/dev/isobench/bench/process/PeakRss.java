package dev.isobench.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's peak resident set as the kernel counts it (VmHWM in /proc/PID/status). */
public final class PeakRss {
    private PeakRss() {}

    /** @return bytes, or 0 once the process is gone */
    public static long bytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }
}
