package dev.isobench.engine.spec;

import java.util.List;

/** A further process to run inside a running container: argv, extra env, working dir, user and stdio. */
public record ExecSpec(List<String> command, List<String> env, String workdir, User user, Stdio stdio) {
    public ExecSpec {
        command = List.copyOf(command);
        env = List.copyOf(env);
        if (command.isEmpty()) throw new IllegalArgumentException("exec needs a command");
        if (!workdir.startsWith("/")) throw new IllegalArgumentException("--workdir must be absolute, got '" + workdir + "'");
    }

    public static ExecSpec of(String... argv) {
        return new ExecSpec(List.of(argv), List.of(), "/", User.ROOT, Stdio.INHERIT);
    }

    public ExecSpec withStdio(Stdio s) {
        return new ExecSpec(command, env, workdir, user, s);
    }
}
