package dev.isobench.bench.explain;

import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One {@code perf record} attached to running processes (and, through inheritance, to every process and thread they
 * start from then on), its events off until {@link #during} turns them on around a workload and off after it, through
 * perf's control fifos: what is recorded is the workload, not perf's own start or stop.
 */
final class PerfRecording {
    /** perf's start (reading symbols, opening events on every thread of a JVM) and its answers take under this. */
    private static final long ANSWER_SECONDS = 60;
    private static final long LOOK_MILLIS = 100;

    private final Process perf;
    private final FileChannel control;
    private final FileChannel ack;
    private final Path log;

    private PerfRecording(Process perf, FileChannel control, FileChannel ack, Path log) {
        this.perf = perf;
        this.control = control;
        this.ack = ack;
        this.log = log;
    }

    /**
     * Starts {@code perf record EVENTS -p PIDS -o DATA} with its events disabled; it is ready once it answers.
     *
     * @param perf perf and its global options
     * @param events perf's event options, e.g. {@code -e cpu-clock -c 100000 -g}
     */
    static PerfRecording start(List<String> perf, List<String> events, List<Long> pids, Path data, Path dir) {
        try {
            Files.createDirectories(dir);
            Path ctl = dir.resolve("perf-control"), ackFifo = dir.resolve("perf-ack");
            for (Path f : List.of(ctl, ackFifo)) {
                Files.deleteIfExists(f);
                Native.mkfifo(f.toString(), 0600);
            }
            List<String> cmd = new ArrayList<>(perf);
            cmd.addAll(List.of("record", "-q"));
            cmd.addAll(events);
            cmd.addAll(List.of("-p", pids.stream().map(String::valueOf).collect(Collectors.joining(",")), "-o", data.toString(),
                    "--control", "fifo:" + ctl + "," + ackFifo, "-D", "-1"));
            Path log = dir.resolve("perf-record.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // read and write ends both: opening a fifo so never waits for the other side, whether perf came up or not
            FileChannel c = FileChannel.open(ctl, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileChannel a = FileChannel.open(ackFifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
            PerfRecording r = new PerfRecording(p, c, a, log);
            r.command("ping");
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start perf record: " + e.getMessage(), e);
        }
    }

    /** Runs the workload with the events on. */
    void during(Runnable workload) {
        command("enable");
        try {
            workload.run();
        } finally {
            command("disable");
        }
    }

    /** Stops perf, which writes its data file; returns once it has. */
    void stop() {
        perf.destroy(); // SIGTERM: perf record writes its file and exits
        try {
            if (!perf.waitFor(ANSWER_SECONDS, TimeUnit.SECONDS)) {
                perf.destroyForcibly();
                throw new IllegalStateException("perf record did not stop within " + ANSWER_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            perf.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while perf record stopped", e);
        } finally {
            closeQuietly();
        }
    }

    /** Sends one control command and waits for perf's "ack"; a perf that died or hangs is stopped, with what it said. */
    private void command(String word) {
        try {
            control.write(ByteBuffer.wrap((word + "\n").getBytes(StandardCharsets.US_ASCII)));
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(this::readAnswer);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_SECONDS);
            while (true) { // a perf that exited (it refused the processes, the events) answers nothing: no use waiting
                try {
                    answer.get(LOOK_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    if (!perf.isAlive() || System.nanoTime() > deadline) throw e;
                }
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            perf.destroyForcibly();
            closeQuietly();
            throw new IllegalStateException("perf record did not answer '" + word + "': " + said(), e);
        } catch (InterruptedException e) {
            perf.destroyForcibly();
            closeQuietly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for perf record", e);
        }
    }

    private String readAnswer() {
        try {
            ByteBuffer b = ByteBuffer.allocate(16);
            while (b.position() == 0 || b.get(b.position() - 1) != 0 && b.get(b.position() - 1) != '\n') {
                if (ack.read(b) < 0 || !b.hasRemaining()) break;
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String said() {
        try {
            String s = Files.isRegularFile(log) ? Files.readString(log).trim() : "";
            return s.isEmpty() ? (perf.isAlive() ? "no answer" : "it exited " + perf.exitValue()) : s.lines().reduce((a, b) -> b).orElse(s);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private void closeQuietly() {
        try {
            control.close();
            ack.close();
        } catch (IOException e) {
            // closing our ends of two fifos: nothing to keep
        }
    }
}
