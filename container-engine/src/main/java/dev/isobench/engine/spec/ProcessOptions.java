package dev.isobench.engine.spec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the first process is set up beyond argv, env and user: resource limits, OOM score, umask, whether
 * no_new_privs is set, its capability sets given whole, whether the environment is exactly the spec's (no
 * image env, no HOSTNAME or HOME added), and a console socket that receives the master of a new pty which
 * becomes the process's terminal ({@code --console-socket}).
 */
public record ProcessOptions(List<Rlimit> rlimits, OptionalInt oomScoreAdj, OptionalInt umask, boolean noNewPrivileges,
                             Optional<CapabilitySets> capabilities, boolean exactEnvironment, Optional<String> consoleSocket) {
    /** The engine's defaults: no_new_privs on, Docker's capabilities, image env first. */
    public static final ProcessOptions DEFAULT = new ProcessOptions(List.of(), OptionalInt.empty(), OptionalInt.empty(), true,
            Optional.empty(), false, Optional.empty());

    public ProcessOptions {
        rlimits = List.copyOf(rlimits);
        if (oomScoreAdj.isPresent() && Math.abs(oomScoreAdj.getAsInt()) > 1000) {
            throw new IllegalArgumentException("oomScoreAdj must lie in -1000..1000, got " + oomScoreAdj.getAsInt());
        }
    }
}
