package dev.isobench.engine.net;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * iproute2's {@code ip -batch -}: one process for a list of commands. Used for the bridge itself, made and
 * removed rarely; each container's veth, address and route go through {@link Rtnetlink}, without a process.
 */
final class Ip {
    private Ip() {}

    static void batch(List<String> commands) {
        run(List.of(ip(), "-batch", "-"), commands);
    }

    /** Deletes a link; one that vanished meanwhile (a veth goes with its namespace, asynchronously) is fine. */
    static void deleteLink(String name) {
        try {
            batch(List.of("link del " + name));
        } catch (EngineException e) {
            if (!e.getMessage().contains("Cannot find device") && !e.getMessage().contains("No such device")) throw e;
        }
    }

    private static String ip() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "ip"))) return dir + "/ip";
        }
        throw new EngineException("--net bridge needs the ip command of iproute2, which is not installed (apt-get install iproute2)");
    }

    private static void run(List<String> argv, List<String> commands) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true).start();
            p.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new EngineException("network setup failed: " + String.join(" ", argv) + " <<< " + String.join("; ", commands) + ": " + out);
            }
        } catch (IOException e) {
            throw new EngineException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted during network setup", e);
        }
    }
}
