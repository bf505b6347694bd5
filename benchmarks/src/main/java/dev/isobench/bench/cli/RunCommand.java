package dev.isobench.bench.cli;

import dev.isobench.bench.host.HostFacts;
import dev.isobench.bench.suite.Hold;
import dev.isobench.bench.suite.Profile;
import dev.isobench.bench.suite.Progress;
import dev.isobench.bench.suite.Runner;
import dev.isobench.engine.Engine;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code isobench run}: the benchmark suites, a results directory, and its report. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, description = {
        "Run benchmark suites on the host and in containers, side by side, and write a results directory and its report.",
        "The directory is results/<host>-<time>/ (manifest.json, one CSV per suite, HdrHistogram logs, report.html). Needs root."})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    SuiteSelection selection;

    @Option(names = "--out", paramLabel = "DIR", description = "Results directory (default: results/<hostname>-<yyyyMMdd-HHmmss>).")
    Path out;

    @Option(names = "--root", paramLabel = "DIR", description = "Engine state and images (default: $ISOBENCH_ROOT or /var/lib/isobench).")
    Path root;

    @Option(names = "--vm-kernel", paramLabel = "FILE", description = "Guest kernel for the vm target (default: ROOT/vm/vmlinuz from scripts/vm-kernel, or /boot/vmlinuz-*).")
    Path vmKernel;

    @Option(names = "--engine-seccomp", paramLabel = "POLICY", defaultValue = "default", converter = SeccompConverter.class,
            description = {"Seccomp filter of the syscall suite's default engine variant and the app suite's engine places:",
                    "default, unconfined, noop:N (the default",
                    "plus N rules that never match), or a Docker JSON profile. Recorded in the manifest. E.g. noop:8 on one host",
                    "of a fleet injects a small known getpid cost for compare to find. Default: ${DEFAULT-VALUE}."})
    Seccomp engineSeccomp;

    @Option(names = "--explain", description = {"After each suite's timed turns, profile its headline's workload on every target once more,",
            "untimed, with perf (on-CPU stacks, kernel and user and Java, and system calls by name), and say in the report where",
            "each target's extra time over the host (and the engine's over the floor) goes: tables, a paragraph and a",
            "differential flame graph per target; the folded stacks in explain/SUITE/. The time it takes is not the budget's."})
    boolean explain;

    @Option(names = "--no-report", description = "Do not render report.html at the end.")
    boolean noReport;

    @Option(names = "--in-guest", description = {"Run inside a guest of this host instead: the vm target's kernel under KVM (where it proved",
            "itself) or emulation, cgroup v2 alone, the host's files read-only; its results are a results directory of",
            "their own, whose manifest names this host (guest_of), for compare. Needs scripts/vm-kernel's modules."})
    boolean inGuest;

    @Option(names = "--guest-of", paramLabel = "HOST", hidden = true, description = "Set by --in-guest inside the guest: the host it runs on.")
    String guestOf;

    @Option(names = "--guest-accelerator", paramLabel = "TEXT", hidden = true, description = "Set by --in-guest inside the guest: KVM or emulation, and why.")
    String guestAccelerator;

    @Spec
    CommandSpec spec;

    @Option(names = "--hold-before", paramLabel = "SUITE:FILE", hidden = true, converter = HoldConverter.class,
            description = "Wait before SUITE until FILE exists (tests stop a run at a known point with it).")
    List<Hold> holds = new ArrayList<>();

    @Override
    public Integer call() {
        if (!Native.isRoot()) throw new EngineException("isobench run needs root: it creates containers (run it with sudo)");
        Profile p = selection.profile();
        if (vmKernel != null) System.setProperty("isobench.vm.kernel", vmKernel.toAbsolutePath().toString());
        Set<String> wanted = new LinkedHashSet<>(selection.targets().isEmpty() ? SuiteSelection.ALL_TARGETS : selection.targets());
        List<String> chosen = selection.suites().isEmpty() ? new ArrayList<>(Runner.SUITES.keySet()) : selection.suites();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = out != null ? out : Path.of("results", HostFacts.hostname() + (inGuest ? "-guest-" : "-") + stamp);
        Engine engine = Engine.open(Engine.rootFor(root));
        Progress progress = Progress.forConsole();
        if (guestOf != null) System.setProperty(HostFacts.GUEST_OF, guestOf);
        if (guestAccelerator != null) System.setProperty(HostFacts.GUEST_ACCELERATOR, guestAccelerator);
        if (inGuest) {
            Path results = InGuestRun.run(engine, p, guestArgs(chosen), dir, Optional.ofNullable(vmKernel), progress);
            System.out.println("results: " + results.toAbsolutePath());
            if (!noReport) System.out.println("report: " + ReportCommand.render(results).toAbsolutePath());
            return 0;
        }
        progress.message("isobench run: profile " + p.name() + ", suites " + String.join(",", chosen) + ", results in " + dir.toAbsolutePath());
        Path results = new Runner(engine, p, chosen, wanted, dir, jar(), engineSeccomp, holds, explain).run(progress);
        System.out.println("results: " + results.toAbsolutePath());
        if (!noReport) System.out.println("report: " + ReportCommand.render(results).toAbsolutePath());
        return 0;
    }

    /** The run's options as the guest's isobench takes them: no vm target inside the guest unless named. */
    private List<String> guestArgs(List<String> chosen) {
        String profile = spec.commandLine().getParseResult().matchedOptionValue("--profile", "quick");
        if (Files.isRegularFile(Path.of(profile))) profile = Path.of(profile).toAbsolutePath().toString(); // the guest works in its job's directory
        List<String> args = new ArrayList<>(List.of("--profile", profile, "--suite", String.join(",", chosen)));
        List<String> targets = new ArrayList<>(selection.targets().isEmpty() ? SuiteSelection.ALL_TARGETS : selection.targets());
        if (selection.targets().isEmpty()) targets.remove("vm");
        args.addAll(List.of("--targets", String.join(",", targets)));
        var seccomp = spec.commandLine().getParseResult().matchedOption("--engine-seccomp");
        if (seccomp != null) args.addAll(List.of("--engine-seccomp", seccomp.stringValues().get(0)));
        if (explain) args.add("--explain");
        return args;
    }

    /** picocli's converter for --engine-seccomp: the engine's own parser, whose errors name the accepted forms. */
    static final class SeccompConverter implements CommandLine.ITypeConverter<Seccomp> {
        @Override
        public Seccomp convert(String value) {
            try {
                return Seccomp.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().replace("--security-opt seccomp=", ""));
            }
        }
    }

    static final class HoldConverter implements CommandLine.ITypeConverter<Hold> {
        @Override
        public Hold convert(String value) {
            try {
                return Hold.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().replace("--hold-before: ", ""));
            }
        }
    }

    /** The shaded jar this CLI runs from, if it does (the CLI startup benchmark launches it). */
    static Optional<Path> jar() {
        try {
            Path p = Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
