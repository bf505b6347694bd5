package dev.isobench.engine.cli;

import dev.isobench.engine.oci.OciState;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", description = "List the containers.")
final class OciListCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Option(names = {"--format", "-f"}, paramLabel = "table|json") String format = "table";
    @Option(names = {"--quiet", "-q"}) boolean quiet;

    @Override
    public Integer call() {
        List<OciState> all = oci.runtime().list();
        if (format.equals("json")) {
            System.out.println(OciRuntimeJson.compact(all));
        } else if (quiet) {
            all.forEach(s -> System.out.println(s.id()));
        } else {
            System.out.printf("%-12s %-10s %-10s %-40s %-30s %s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
            for (OciState s : all) {
                System.out.printf("%-12s %-10d %-10s %-40s %-30s %s%n", s.id(), s.pid(), s.status(), s.bundle(), s.created(), "root");
            }
        }
        return 0;
    }
}
