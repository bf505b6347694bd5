package dev.isobench.bench.process;

/** One run of a workload: wall time from the start call to the observed exit, exit code and output. */
public record Execution(long nanos, int exitCode, String stdout, String stderr) {
    public Execution requireSuccess(String what) {
        if (exitCode != 0) {
            throw new IllegalStateException(what + " exited " + exitCode + ": " + (stderr.isBlank() ? stdout : stderr).trim());
        }
        return this;
    }
}
