package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.sys.EngineException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code ctr port}: a container's published ports, as docker port. */
@Command(mixinStandardHelpOptions = true, name = "port", description = {
        "List a container's published ports (CTRPORT/tcp -> 127.0.0.1:HOSTPORT), or the host address of one, as docker port."})
final class PortCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String ref;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT[/tcp]")
    String port;

    @Override
    public Integer call() {
        Container c = ctr.engine().get(ref);
        List<PortMapping> ports = Inspection.ports(c);
        if (port == null) {
            ports.forEach(p -> System.out.println(p.containerPort() + "/tcp -> " + Inspection.PUBLISHED_ON + ":" + p.hostPort()));
            return 0;
        }
        int wanted = parse(port);
        List<PortMapping> matching = ports.stream().filter(p -> p.containerPort() == wanted).toList();
        if (matching.isEmpty()) throw new EngineException("no public port '" + port + "' published for " + ref + " (isobench ctr port " + ref + " lists them)");
        matching.forEach(p -> System.out.println(Inspection.PUBLISHED_ON + ":" + p.hostPort()));
        return 0;
    }

    private static int parse(String text) {
        String number = text.endsWith("/tcp") ? text.substring(0, text.length() - 4) : text;
        try {
            int n = Integer.parseInt(number);
            if (n > 0 && n < 65536) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("PORT takes a port number 1-65535, optionally with /tcp (the engine publishes TCP only), got '" + text + "'");
    }
}
