package dev.isobench.engine.oci;

import static dev.isobench.engine.oci.Json.bool;
import static dev.isobench.engine.oci.Json.error;
import static dev.isobench.engine.oci.Json.number;
import static dev.isobench.engine.oci.Json.objects;
import static dev.isobench.engine.oci.Json.only;
import static dev.isobench.engine.oci.Json.requiredText;
import static dev.isobench.engine.oci.Json.strings;
import static dev.isobench.engine.oci.Json.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isobench.engine.spec.Capabilities;
import dev.isobench.engine.spec.CapabilitySets;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.ProcessOptions;
import dev.isobench.engine.spec.Rlimit;
import dev.isobench.engine.spec.User;
import dev.isobench.engine.sys.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** config.json's {@code process}: the command, its environment and user, rlimits and capabilities (also an exec's process.json). */
final class ProcessSection {
    private ProcessSection() {}

    static ProcessOptions process(JsonNode p, ContainerSpec.Builder b, Optional<String> consoleSocket, List<String> warnings) {
        only(p, "process", Set.of("terminal", "consoleSize", "user", "args", "env", "cwd", "capabilities", "rlimits",
                "noNewPrivileges", "oomScoreAdj", "apparmorProfile", "selinuxLabel"));
        unsupported(p, "process", "apparmorProfile", "AppArmor profiles are not loaded by the isobench engine");
        unsupported(p, "process", "selinuxLabel", "SELinux labels are not set by the isobench engine");
        List<String> args = strings(p, "process", "args");
        if (args.isEmpty()) throw error("process.args", "is required and must name a program");
        b.command(args);
        strings(p, "process", "env").forEach(e -> {
            if (e.indexOf('=') <= 0) throw error("process.env", "'" + e + "' is not KEY=VALUE");
            b.env(e);
        });
        String cwd = requiredText(p, "process", "cwd");
        if (!cwd.startsWith("/")) throw error("process.cwd", "must be absolute, got '" + cwd + "'");
        b.workdir(cwd);
        JsonNode user = p.path("user");
        b.user(user(user));
        Long umask = number(user, "process.user", "umask");
        boolean terminal = bool(p, "process", "terminal");
        if (terminal && consoleSocket.isEmpty()) {
            throw new EngineException("cannot allocate tty if runc will detach without setting console socket (process.terminal is true: pass --console-socket)");
        }
        if (!terminal && consoleSocket.isPresent()) throw new EngineException("--console-socket is given but process.terminal is false");
        Long oom = number(p, "process", "oomScoreAdj");
        return new ProcessOptions(rlimits(p), oom == null ? OptionalInt.empty() : OptionalInt.of(oom.intValue()),
                umask == null ? OptionalInt.empty() : OptionalInt.of(umask.intValue()), bool(p, "process", "noNewPrivileges"),
                Optional.of(capabilities(p.path("capabilities"), "process.capabilities", warnings)), true, consoleSocket);
    }

    /** {@code process.user}: uid, gid and additional gids (umask is the caller's to read). */
    static User user(JsonNode user) {
        only(user, "process.user", Set.of("uid", "gid", "umask", "additionalGids", "username"));
        List<Integer> groups = new ArrayList<>();
        for (JsonNode g : objects(user, "process.user", "additionalGids")) groups.add(g.asInt());
        Long uid = number(user, "process.user", "uid");
        Long gid = number(user, "process.user", "gid");
        return new User(uid == null ? 0 : uid.intValue(), gid == null ? 0 : gid.intValue(), groups);
    }

    /** {@code process.rlimits}. */
    static List<Rlimit> rlimits(JsonNode p) {
        List<Rlimit> rlimits = new ArrayList<>();
        List<JsonNode> limits = objects(p, "process", "rlimits");
        for (int i = 0; i < limits.size(); i++) {
            String at = "process.rlimits[" + i + "]";
            only(limits.get(i), at, Set.of("type", "soft", "hard"));
            try {
                rlimits.add(Rlimit.of(requiredText(limits.get(i), at, "type"), limits.get(i).path("soft").asLong(), limits.get(i).path("hard").asLong()));
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        return rlimits;
    }

    /** The five sets; one left out is empty, as the spec says. A name this kernel's list lacks is skipped with a warning, as runc does. */
    static CapabilitySets capabilities(JsonNode caps, String path, List<String> warnings) {
        only(caps, path, Set.of("bounding", "effective", "permitted", "inheritable", "ambient"));
        long[] m = new long[5];
        String[] sets = {"bounding", "effective", "permitted", "inheritable", "ambient"};
        for (int i = 0; i < 5; i++) {
            for (String name : strings(caps, path, sets[i])) {
                Integer bit = Capabilities.NUMBERS.get(name.replaceFirst("^CAP_", ""));
                if (bit == null) {
                    String w = path + "." + sets[i] + ": unknown capability '" + name + "' skipped";
                    if (!warnings.contains(w)) warnings.add(w);
                    continue;
                }
                m[i] |= 1L << bit;
            }
        }
        // the kernel raises an ambient capability only if it is both permitted and inheritable; runc leaves the others out
        // (runc spec's own bundle asks for three ambient ones with an empty inheritable set), and so does the engine
        long raisable = m[2] & m[3];
        long dropped = m[4] & ~raisable;
        if (dropped != 0) {
            List<String> names = new java.util.ArrayList<>();
            Capabilities.NUMBERS.forEach((name, bit) -> {
                if ((dropped & (1L << bit)) != 0) names.add("CAP_" + name);
            });
            warnings.add(path + ".ambient: " + String.join(", ", names.stream().sorted().toList()) + " left out: not both permitted and"
                    + " inheritable, so the kernel cannot raise it (as runc does)");
        }
        return new CapabilitySets(m[0], m[1], m[2], m[3], m[4] & raisable);
    }
}
