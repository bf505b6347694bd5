package dev.isobench.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Ansible as the fleet's engine: the inventory read by {@code ansible-inventory}, and playbooks run by
 * {@code ansible-playbook} with the repository's {@code deploy/ansible/ansible.cfg} and its events callback.
 * A playbook runs in a session of its own: Ctrl-C reaches the fleet command only, which stops the playbook
 * itself and then the remote runs (stop.yml), instead of the terminal killing both halfway.
 */
final class Ansible {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path deploy;

    Ansible(Path deploy) {
        this.deploy = deploy;
        for (String tool : List.of("ansible-playbook", "ansible-inventory")) {
            if (!onPath(tool)) {
                throw new FleetException("no " + tool + " on this machine: a fleet runs on Ansible; install it with scripts/setup --fleet"
                        + " (Debian's ansible-core)");
            }
        }
    }

    Path deploy() {
        return deploy;
    }

    /** The inventory's hosts in the order it lists them (groups in order, each host once). */
    List<String> hosts(Path inventory) {
        if (!Files.isRegularFile(inventory)) throw new FleetException("--inventory " + inventory + ": no such file");
        Path err;
        try {
            err = Files.createTempFile("isobench-inventory", ".err");
        } catch (IOException e) {
            throw new FleetException("cannot make a temporary file: " + e.getMessage(), e);
        }
        try {
            Process p = new ProcessBuilder("ansible-inventory", "-i", inventory.toString(), "--list")
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            int code = p.waitFor();
            String warnings = Files.readString(err);
            if (code != 0 || warnings.contains("Unable to parse")) {
                throw new FleetException("--inventory " + inventory + ": Ansible cannot read it: " + lastLine(warnings));
            }
            JsonNode all = JSON.readTree(out);
            Set<String> hosts = new LinkedHashSet<>();
            collect(all, "all", hosts);
            if (hosts.isEmpty()) throw new FleetException("--inventory " + inventory + " lists no hosts");
            return List.copyOf(hosts);
        } catch (IOException e) {
            throw new FleetException("cannot run ansible-inventory: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException("interrupted while reading the inventory", e);
        } finally {
            try {
                Files.deleteIfExists(err);
            } catch (IOException e) {
                // a temporary file
            }
        }
    }

    private static void collect(JsonNode all, String group, Set<String> into) {
        JsonNode g = all.path(group);
        g.path("hosts").forEach(h -> into.add(h.asText()));
        g.path("children").forEach(c -> collect(all, c.asText(), into));
    }

    /** Starts a playbook of deploy/ansible, its output into log, its per-host events into events. */
    Running start(String playbook, Path inventory, Path vars, Path events, Path log) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "ansible-playbook", "-i", inventory.toString(),
                deploy.resolve(playbook).toString(), "-e", "@" + vars));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("ANSIBLE_CONFIG", deploy.resolve("ansible.cfg").toString());
        env.put("ISOBENCH_FLEET_EVENTS", events.toString());
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_FORCE_COLOR", "0");
        try {
            return new Running(pb.start());
        } catch (IOException e) {
            throw new FleetException("cannot run ansible-playbook: " + e.getMessage(), e);
        }
    }

    /** A playbook that runs; {@link #interrupt()} sends SIGINT to its whole session, as a terminal's Ctrl-C would. */
    record Running(Process process) {
        boolean waitFor(long millis) throws InterruptedException {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        }

        int exitCode() {
            return process.exitValue();
        }

        void interrupt() {
            try {
                new ProcessBuilder("kill", "-INT", "--", "-" + process.pid()).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "(no message)" : lines.get(lines.size() - 1);
    }
}
