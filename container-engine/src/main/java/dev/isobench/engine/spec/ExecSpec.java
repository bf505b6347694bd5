package dev.isobench.engine.spec;

import java.util.List;
import java.util.Optional;

/**
 * A further process to run inside a running container: argv, extra env, working dir, user and stdio; and, for an
 * OCI {@code exec} of a process.json, its own settings: the environment exactly as given, no_new_privs, whole
 * capability sets, a console socket, whether the caller's subreaper takes it ({@code --detach}), and rlimits.
 */
public record ExecSpec(List<String> command, List<String> env, String workdir, User user, Stdio stdio, boolean exactEnvironment,
                       boolean noNewPrivileges, Optional<CapabilitySets> capabilities, Optional<String> consoleSocket, boolean handOff,
                       List<Rlimit> rlimits) {
    public ExecSpec {
        command = List.copyOf(command);
        rlimits = List.copyOf(rlimits);
        env = List.copyOf(env);
        if (command.isEmpty()) throw new IllegalArgumentException("exec needs a command");
        if (!workdir.startsWith("/")) throw new IllegalArgumentException("--workdir must be absolute, got '" + workdir + "'");
    }

    /** An exec in the engine's own style: image env first, no_new_privs, the container's capabilities. */
    public ExecSpec(List<String> command, List<String> env, String workdir, User user, Stdio stdio) {
        this(command, env, workdir, user, stdio, false, true, Optional.empty(), Optional.empty(), false, List.of());
    }

    public static ExecSpec of(String... argv) {
        return new ExecSpec(List.of(argv), List.of(), "/", User.ROOT, Stdio.INHERIT);
    }

    public ExecSpec withStdio(Stdio s) {
        return new ExecSpec(command, env, workdir, user, s, exactEnvironment, noNewPrivileges, capabilities, consoleSocket, handOff, rlimits);
    }
}
