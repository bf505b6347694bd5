package dev.isobench.bench.explain;

import dev.isobench.engine.seccomp.SyscallTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Where a workload's time goes, by perf: its on-CPU stacks ({@code perf record -e cpu-clock -g}, kernel and user,
 * Java methods named through the JVM's perf map) and its system calls by name ({@code raw_syscalls:sys_enter}),
 * each recorded over the processes given and whatever they start while it runs. Never during a timed measurement.
 */
public final class Profiler {
    /** One sample per this much CPU time (cpu-clock counts nanoseconds): a sample's weight in the tables. */
    public static final long PERIOD_NANOS = 100_000;
    /** Build ids in the mmap events: a binary in a container's mount namespace is found by its id in the cache below. */
    private static final List<String> CPU_EVENTS = List.of("-e", "cpu-clock", "-c", Long.toString(PERIOD_NANOS), "-g", "--buildid-mmap");
    /** Every call is a record: a buffer that holds a burst of them (perf drops what does not fit, and says so). */
    private static final List<String> SYSCALL_EVENTS = List.of("-e", "raw_syscalls:sys_enter", "-c", "1", "--mmap-pages", "16M");
    private static final Pattern SYSCALL = Pattern.compile("\\sNR (\\d+) \\(");
    private static final long SCRIPT_MINUTES = 10;
    private static final int ATTACH_ATTEMPTS = 5;

    private final Path dir;
    private final List<String> perf;
    private final List<Path> known;

    /**
     * @param dir where perf's data, fifos and build-id cache go while it records (the run's scratch)
     * @param known binaries that run inside containers (the probe, the engine's stage): put in the build-id cache, so
     *              that their functions are named where perf cannot reach them by path, as on the host
     */
    public Profiler(Path dir, List<Path> known) {
        this(dir, "perf", known);
    }

    /** @param perf the perf command (tests name one that is missing) */
    public Profiler(Path dir, String perf, List<Path> known) {
        this.dir = dir;
        // a cache of the run's own, not the user's ~/.debug: it goes with the workspace
        this.perf = List.of(perf, "--buildid-dir", dir.resolve("buildid").toString());
        this.known = List.copyOf(known);
    }

    /**
     * Readies perf (the known binaries in its build-id cache) and says why it cannot profile here, in one line, or
     * nothing where it can: perf missing, the events refused (perf_event_paranoid without root, a kernel without
     * them), or the system-call tracepoint unreadable.
     */
    public Optional<String> prepare() {
        Optional<String> cpu = tryRecord(CPU_EVENTS);
        if (cpu.isPresent()) return cpu;
        for (Path binary : known) run("buildid-cache", "--add", binary.toString());
        return tryRecord(SYSCALL_EVENTS).map(why -> "the system-call tracepoint: " + why);
    }

    /** The on-CPU stacks of {@code pids} and their descendants while the workload runs, folded: stack to samples. */
    public Map<String, Long> stacks(Supplier<List<Long>> processes, Runnable workload) {
        Path data = dir.resolve("perf-cpu.data");
        List<Long> pids = new ArrayList<>();
        PerfRecording r = attach(CPU_EVENTS, processes, data, pids);
        try {
            r.during(workload);
        } finally {
            r.stop();
        }
        long self = ProcessHandle.current().pid();
        Path map = Path.of("/tmp/perf-" + self + ".map");
        boolean ownMap = pids.contains(self) && !Files.exists(map) && writeJvmPerfMap();
        try {
            return script(data, List.of("-F", "comm,pid,event,ip,sym,dso"), in -> StackFolder.fold(in, "cpu-clock"));
        } finally {
            if (ownMap) deleteQuietly(map);
            deleteQuietly(data);
        }
    }

    /** The system calls {@code pids} and their descendants make while the workload runs, by name: name to calls. */
    public Map<String, Long> syscalls(Supplier<List<Long>> processes, Runnable workload) {
        Path data = dir.resolve("perf-syscalls.data");
        PerfRecording r = attach(SYSCALL_EVENTS, processes, data, new ArrayList<>());
        try {
            r.during(workload);
        } finally {
            r.stop();
        }
        try {
            Map<String, Long> calls = script(data, List.of("-F", "comm,pid,trace"), Profiler::tally);
            Optional<String> lost = linesOf(dir.resolve("perf-script.log")).stream().filter(l -> l.contains(" lost ")).findFirst();
            if (lost.isPresent()) throw new IllegalStateException("perf lost system-call records at this rate (" + lost.get() + "): no count");
            return calls;
        } finally {
            deleteQuietly(data);
        }
    }

    /**
     * perf attached to the processes as they are now; a process that exits between the listing and perf's attach
     * makes perf refuse them all, so a refusal lists them anew, a few times.
     */
    private PerfRecording attach(List<String> events, Supplier<List<Long>> processes, Path data, List<Long> attached) {
        for (int attempt = 1; ; attempt++) {
            List<Long> pids = processes.get().stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).toList();
            try {
                PerfRecording r = PerfRecording.start(perf, events, pids, data, dir);
                attached.addAll(pids);
                return r;
            } catch (IllegalStateException e) {
                if (attempt == ATTACH_ATTEMPTS) throw e;
            }
        }
    }

    static Map<String, Long> tally(BufferedReader in) throws IOException {
        Map<Integer, Long> byNumber = new HashMap<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            Matcher m = SYSCALL.matcher(line);
            if (m.find()) byNumber.merge(Integer.parseInt(m.group(1)), 1L, Long::sum);
        }
        Map<String, Long> byName = new TreeMap<>();
        byNumber.forEach((nr, n) -> byName.merge(SyscallTable.name(nr).orElse("syscall_" + nr), n, Long::sum));
        return byName;
    }

    /**
     * The JVM's compiled methods, named for perf ({@code jcmd PID Compiler.perfmap}, asked of this JVM through its
     * diagnostic command bean): without it, Java frames are bare addresses.
     */
    private static boolean writeJvmPerfMap() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerPerfmap", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return true;
        } catch (Exception | LinkageError e) { // a JVM without the command: its frames stay addresses
            return false;
        }
    }

    private interface Reader<T> {
        T read(BufferedReader in) throws IOException;
    }

    private <T> T script(Path data, List<String> fields, Reader<T> reader) {
        List<String> cmd = new ArrayList<>(perf);
        cmd.addAll(List.of("script", "-i", data.toString()));
        cmd.addAll(fields);
        Path log = dir.resolve("perf-script.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            T result;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                result = reader.read(in);
            }
            if (!p.waitFor(SCRIPT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("perf script did not finish within " + SCRIPT_MINUTES + " min");
            }
            if (p.exitValue() != 0) throw new IllegalStateException("perf script exited " + p.exitValue() + ": " + lastLine(log));
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read perf's samples: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading perf's samples", e);
        }
    }

    /** A short recording of {@code true}: what perf says when it cannot, or empty. */
    private Optional<String> tryRecord(List<String> events) {
        try {
            Files.createDirectories(dir);
            Path data = dir.resolve("perf-check.data"), log = dir.resolve("perf-check.log");
            List<String> cmd = new ArrayList<>(perf);
            cmd.addAll(List.of("record", "-q", "-o", data.toString()));
            cmd.addAll(events);
            cmd.addAll(List.of("--", "true"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly();
            int rc = done ? p.exitValue() : -1;
            String said = firstSaid(log);
            deleteQuietly(data);
            deleteQuietly(log);
            return rc == 0 ? Optional.empty() : Optional.of("perf record " + String.join(" ", events) + " failed" + (said.isEmpty() ? "" : ": " + said));
        } catch (IOException e) {
            return Optional.of("perf is not installed (apt-get install linux-perf, or run scripts/setup)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** Runs a perf subcommand whose failure changes only how well frames are named. */
    private void run(String... args) {
        List<String> cmd = new ArrayList<>(perf);
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            // perf answered the check just before: nothing more to say than its frames will
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What perf said first, past its "Error:" heading (perf explains a refusal over many lines). */
    private static String firstSaid(Path log) {
        try {
            if (!Files.isRegularFile(log)) return "";
            return Files.readString(log).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("Error:")).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> linesOf(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String lastLine(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readString(log).strip().lines().reduce((a, b) -> b).orElse("") : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // scratch: the workspace goes with the run
        }
    }
}
