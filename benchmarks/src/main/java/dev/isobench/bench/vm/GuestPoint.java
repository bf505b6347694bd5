package dev.isobench.bench.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The spectrum's "container in a VM": one boot of the {@link Guest}, in which this very isobench (its class path,
 * read over 9p) runs the hidden {@code guest-point} command: the engine's start-to-exit and getpid in a container,
 * measured inside the VM as the startup and syscall suites measure them on the host.
 */
public final class GuestPoint {
    /** What the guest measured: start-to-exit times, and getpid's ns per op of each probe process. */
    public record Result(double[] startToExitNanos, List<double[]> getpidRuns, long bootWallNanos) {}

    /** The target name of its rows. */
    public static final String TARGET = "engine-in-vm";
    /** A guest's boot, its JVM and the containers, with room for emulation on a slow host; a hung guest costs this once. */
    public static final Duration DEADLINE = Duration.ofMinutes(6);
    /** Seconds of the syscall suite's budget a boot of its own needs left (the startup suite's boot serves it where there was one). */
    public static final int MIN_SECONDS = 30;

    private GuestPoint() {}

    public static Result measure(Guest guest, Path probe, Path job, List<String> pointArgs, Duration deadline) {
        String script = "exec java -Djava.io.tmpdir=/var/tmp -Xmx512m -XX:+UseSerialGC -cp '" + Guest.classPath() + "' dev.isobench.bench.cli.Isobench guest-point "
                + String.join(" ", pointArgs) + " --out point.txt\n";
        Guest.Outcome o = guest.run(probe, job, script, deadline);
        if (o.exitCode() == -1) throw new IllegalStateException("the guest did not finish within " + deadline.toSeconds() + " s and was killed");
        if (o.exitCode() != 0) throw new IllegalStateException("the guest's measurement exited " + o.exitCode() + ": " + Guest.why(o));
        try {
            List<Double> starts = new ArrayList<>();
            List<double[]> getpid = new ArrayList<>();
            for (String line : Files.readAllLines(job.resolve("point.txt"))) {
                String[] f = line.split(" ", 2);
                if (f[0].equals("start_to_exit_ns")) starts.add(Double.parseDouble(f[1]));
                if (f[0].equals("getpid_ns_per_op")) getpid.add(Arrays.stream(f[1].split(",")).mapToDouble(Double::parseDouble).toArray());
            }
            return new Result(starts.stream().mapToDouble(Double::doubleValue).toArray(), getpid, o.wallNanos());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
