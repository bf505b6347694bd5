package dev.isobench.engine.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr kill}: signal a container's first process. */
@Command(mixinStandardHelpOptions = true, name = "kill", description = "Send a signal (default KILL) to the first process of containers.")
final class KillCommand implements Callable<Integer> {
    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "KILL", 9, "USR1", 10,
            "USR2", 12, "TERM", 15, "CONT", 18, "STOP", 19);

    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", defaultValue = "KILL", description = "Name or number (default: ${DEFAULT-VALUE}).")
    String signal;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
        int sig = parse(signal);
        for (String ref : refs) {
            ctr.engine().get(ref).kill(sig);
            System.out.println(ref);
        }
        return 0;
    }

    static int parse(String text) {
        String name = text.toUpperCase().replaceFirst("^SIG", "");
        if (SIGNALS.containsKey(name)) return SIGNALS.get(name);
        try {
            int n = Integer.parseInt(text);
            if (n > 0 && n < 65) return n;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("--signal takes a number 1-64 or one of " + SIGNALS.keySet() + ", got '" + text + "'");
    }
}
