package dev.isobench.bench.cli;

import dev.isobench.bench.fleet.FleetException;
import dev.isobench.bench.fleet.FleetRun;
import dev.isobench.bench.suite.Profile;
import dev.isobench.bench.suite.ProfileFiles;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code isobench fleet run}: the suites on every host of an Ansible inventory, and one comparison of them. */
@Command(name = "fleet", mixinStandardHelpOptions = true, description = "Run isobench across many hosts (on Ansible).",
        subcommands = FleetCommand.Run.class)
public final class FleetCommand {
    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, description = {
            "Run the suites on every host of an Ansible inventory and compare the hosts' results in one directory.",
            "Copy the built isobench to each host of the inventory (deploy/ansible/isobench.yml), run it (hosts in parallel",
            "unless --serial), bring each host's results directory back into OUT/HOST/, and compare them all in",
            "OUT/comparison/. OUT/fleet.json has each host's status, reason and time per phase.",
            "Per host, the inventory may set isobench_dir (where isobench goes; default /var/lib/isobench-fleet) and",
            "isobench_run_args (more 'isobench run' arguments for that host only). Arguments after -- go to every host's run.",
            "Exit: 0 when every host ran, 3 when some did not (the others' results are kept), 130 on Ctrl-C."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--inventory", paramLabel = "FILE", required = true, description = "An Ansible inventory (INI or YAML): the hosts, in order.")
        Path inventory;

        @Mixin
        SuiteSelection selection;

        @Option(names = "--serial", description = "One host after another (e.g. hosts that share hardware), not all at once.")
        boolean serial;

        @Option(names = "--baseline", paramLabel = "HOST", description = "The host the others are compared to (default: the first in the inventory).")
        String baseline;

        @Option(names = "--out", paramLabel = "DIR", description = "A new directory for the results (default: results/fleet-<yyyyMMdd-HHmmss>).")
        Path out;

        @Parameters(paramLabel = "RUN_ARGS", description = "After --: more 'isobench run' arguments for every host.")
        List<String> runArgs = new ArrayList<>();

        @Override
        public Integer call() {
            Profile profile = selection.profile(); // a bad name or file fails here, before any host is touched
            Optional<String> file = ProfileFiles.BUILT_IN.contains(selection.profile) ? Optional.empty() : Optional.of(ProfileFiles.toJson(profile).toPrettyString());
            Path jar = RunCommand.jar().orElseThrow(() -> new FleetException("fleet run ships the built jar to the hosts: run it as scripts/isobench fleet run"));
            Path dir = out != null ? out : Path.of("results", "fleet-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            FleetRun.Options o = new FleetRun.Options(inventory, selection.profile, file, selection.suites(), selection.targets(), serial, Optional.ofNullable(baseline), runArgs, dir);
            return new FleetRun(o, jar, System.out).run().exitCode();
        }
    }
}
