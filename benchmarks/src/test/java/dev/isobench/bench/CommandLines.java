package dev.isobench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The command lines of this machine's processes, for tests that check what a run left behind. */
public final class CommandLines {
    private CommandLines() {}

    /** Every process's command line (arguments joined by spaces) that matches. */
    public static List<String> matching(Predicate<String> wanted) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    if (wanted.test(cmdline)) found.add(cmdline);
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }
}
