package dev.isobench.engine.cli;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The host's ps(1) over a container's processes: its header, then its lines whose PID is one of them (ctr top, oci ps). */
final class HostPs {
    private HostPs() {}

    static void print(Collection<Integer> pids, List<String> psArgs) throws IOException, InterruptedException {
        Set<String> wanted = pids.stream().map(String::valueOf).collect(Collectors.toSet());
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        String args = String.join(" ", cmd.subList(1, cmd.size()));
        Process ps = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (ps.waitFor() != 0 || lines.isEmpty()) throw new EngineException("ps " + args + " failed: " + String.join(" ", lines));
        int column = List.of(lines.get(0).trim().split("\\s+")).indexOf("PID");
        if (column < 0) throw new EngineException("ps " + args + " printed no PID column: give ps options that do");
        System.out.println(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > column && wanted.contains(f[column])) System.out.println(line);
        }
    }
}
