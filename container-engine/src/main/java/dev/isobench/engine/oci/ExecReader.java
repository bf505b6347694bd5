package dev.isobench.engine.oci;

import static dev.isobench.engine.oci.Json.bool;
import static dev.isobench.engine.oci.Json.error;
import static dev.isobench.engine.oci.Json.only;
import static dev.isobench.engine.oci.Json.requiredText;
import static dev.isobench.engine.oci.Json.strings;
import static dev.isobench.engine.oci.Json.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.spec.Capabilities;
import dev.isobench.engine.spec.CapabilitySets;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.Limits;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.User;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An OCI {@code exec}: a process.json ({@code --process}) or runc's flags, as the engine's {@link ExecSpec}. */
public final class ExecReader {
    private ExecReader() {}

    public static ExecSpec read(Path processJson, Optional<String> consoleSocket, boolean detach) {
        JsonNode p;
        try {
            p = new ObjectMapper().readTree(Files.readString(processJson));
        } catch (IOException e) {
            throw new EngineException("cannot read the process " + processJson + ": " + e.getMessage(), e);
        }
        if (p == null || !p.isObject()) throw new EngineException(processJson + " must hold a JSON object (an OCI process)");
        only(p, "process", Set.of("terminal", "consoleSize", "user", "args", "env", "cwd", "capabilities", "rlimits",
                "noNewPrivileges", "apparmorProfile", "selinuxLabel", "oomScoreAdj"));
        unsupported(p, "process", "apparmorProfile", "AppArmor profiles are not loaded by the isobench engine");
        unsupported(p, "process", "selinuxLabel", "SELinux labels are not set by the isobench engine");
        unsupported(p, "process", "oomScoreAdj", "an exec'd process keeps the container's OOM score");
        List<String> args = strings(p, "process", "args");
        if (args.isEmpty()) throw error("process.args", "is required and must name a program");
        JsonNode user = p.path("user");
        unsupported(user, "process.user", "umask", "an exec'd process keeps the runtime's umask");
        checkTerminal(bool(p, "process", "terminal"), consoleSocket);
        String cwd = requiredText(p, "process", "cwd");
        Optional<CapabilitySets> caps = Optional.of(ProcessSection.capabilities(p.path("capabilities"), "process.capabilities", new ArrayList<>()));
        return new ExecSpec(args, strings(p, "process", "env"), cwd, ProcessSection.user(user), Stdio.INHERIT.withStdin(), true,
                bool(p, "process", "noNewPrivileges"), caps, consoleSocket, detach, ProcessSection.rlimits(p));
    }

    /** runc exec's flags: the container's environment is not inherited, capabilities default to none beyond --cap. */
    public static ExecSpec fromFlags(List<String> command, List<String> env, String cwd, String user, List<Integer> groups, List<String> caps,
                                     boolean noNewPrivs, boolean tty, Optional<String> consoleSocket, boolean detach) {
        if (command.isEmpty()) throw new EngineException("exec needs a command, or --process FILE");
        checkTerminal(tty, consoleSocket);
        User base = user == null ? User.ROOT : User.parse(user);
        // a name this kernel's list lacks is skipped, as runc does
        long mask = Capabilities.mask(caps.stream().map(c -> c.replaceFirst("^CAP_", "")).filter(Capabilities.NUMBERS::containsKey).toList());
        List<String> fullEnv = new ArrayList<>(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        fullEnv.addAll(env);
        return new ExecSpec(command, fullEnv, cwd == null ? "/" : cwd, new User(base.uid(), base.gid(), groups), Stdio.INHERIT.withStdin(), true,
                noNewPrivs, Optional.of(new CapabilitySets(mask, mask, mask, 0, 0)), consoleSocket, detach, List.of());
    }

    /** {@code update --resources}: a LinuxResources object; what it cannot apply goes to {@code warnings}. */
    public static Limits resources(JsonNode node, List<String> warnings) {
        return ResourcesSection.resources(node, "resources", all -> {
            throw error("resources.devices", "device rules cannot change on a running container here");
        }, warnings);
    }

    private static void checkTerminal(boolean terminal, Optional<String> consoleSocket) {
        if (terminal && consoleSocket.isEmpty()) throw new EngineException("cannot allocate tty if runc will detach without setting console socket");
        if (!terminal && consoleSocket.isPresent()) throw new EngineException("--console-socket is given but the process has no terminal");
    }
}
