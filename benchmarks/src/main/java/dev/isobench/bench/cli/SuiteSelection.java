package dev.isobench.bench.cli;

import dev.isobench.bench.suite.Profile;
import dev.isobench.bench.suite.Runner;
import dev.isobench.bench.targets.Targets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * What a run measures, as {@code run} and {@code fleet run} take it: a profile, suites and targets, each name
 * checked before anything starts (a fleet's bad name would otherwise fail on every host after the copy).
 */
final class SuiteSelection {
    static final List<String> ALL_TARGETS;

    static {
        List<String> all = new ArrayList<>(List.of("host", "engine"));
        all.addAll(Targets.PEERS);
        ALL_TARGETS = List.copyOf(all);
    }

    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "quick", converter = ProfileConverter.class, description = {"quick (5 min), full (30 min), tiny (a smoke run,"
            + " 90 s), or a profile file of your own (docs/profiles.md). A profile is a time budget and a precision target: the run"
            + " ends within its budget on any host. Default: ${DEFAULT-VALUE}."})
    String profile;

    @Option(names = "--suite", paramLabel = "NAME", split = ",", description = "Suites to run (default: all): startup, syscall, rootfs, cgroup, network, app.")
    List<String> suites = new ArrayList<>();

    @Option(names = "--targets", paramLabel = "NAME", split = ",", description = "Targets (default: all found): host, engine, unshare, bwrap, nspawn, lxc, runc, crun, podman, docker, runsc, vm.")
    List<String> targets = new ArrayList<>();

    Profile profile() {
        return Profile.named(profile);
    }

    /** Checks the profile while the command line is read: a bad name or field is a usage error (exit 2), before anything runs. */
    static final class ProfileConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                Profile.named(value);
                return value;
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().replace("--profile: ", ""));
            }
        }
    }

    /** The suites as given, checked; empty means all. */
    List<String> suites() {
        for (String s : suites) {
            if (!Runner.SUITES.containsKey(s)) throw new IllegalArgumentException("--suite: unknown suite '" + s + "' (suites: " + String.join(", ", Runner.SUITES.keySet()) + ")");
        }
        return List.copyOf(suites);
    }

    /** The targets as given, checked; empty means all that are found. */
    List<String> targets() {
        for (String t : targets) {
            if (!ALL_TARGETS.contains(t)) throw new IllegalArgumentException("--targets: unknown target '" + t + "' (targets: " + String.join(", ", ALL_TARGETS) + ")");
        }
        return List.copyOf(targets);
    }
}
