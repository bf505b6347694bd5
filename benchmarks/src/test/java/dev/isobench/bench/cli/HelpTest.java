package dev.isobench.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a user reads first of every command, in its parent's list of commands: a whole sentence. */
class HelpTest {
    @Test
    void everyCommandsFirstLineIsACompleteSentence() {
        List<String> cut = new ArrayList<>();
        walk(Isobench.commandLine(), cut);
        assertEquals(List.of(), cut, "first lines that do not end a sentence (a parent's list shows only the first)");
    }

    private static void walk(CommandLine cl, List<String> cut) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().usageMessage().hidden()) continue;
            // the list shows a command's header where it has one (picocli's help does), else its description's first line
            String[] header = sub.getCommandSpec().usageMessage().header();
            String[] d = header.length > 0 ? header : sub.getCommandSpec().usageMessage().description();
            String first = d.length == 0 ? "" : d[0].strip();
            if (!first.matches("[A-Z].*\\.")) cut.add(sub.getCommandSpec().qualifiedName() + ": '" + first + "'");
            if (sub != cl) walk(sub, cut);
        }
    }
}
