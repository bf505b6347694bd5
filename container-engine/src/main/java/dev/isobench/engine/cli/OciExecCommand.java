package dev.isobench.engine.cli;

import dev.isobench.engine.oci.ExecReader;
import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "exec", description = "Run a further process in a running container (a process.json, or a command).")
final class OciExecCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Option(names = {"--process", "-p"}, paramLabel = "FILE") Path process;
    @Option(names = {"--detach", "-d"}) boolean detach;
    @Option(names = "--pid-file", paramLabel = "FILE") Path pidFile;
    @Option(names = "--console-socket", paramLabel = "SOCKET") String consoleSocket;
    @Option(names = {"--tty", "-t"}) boolean tty;
    @Option(names = "--cwd", paramLabel = "DIR") String cwd;
    @Option(names = {"--env", "-e"}, paramLabel = "KEY=VALUE") List<String> env = new ArrayList<>();
    @Option(names = {"--user", "-u"}, paramLabel = "UID[:GID]") String user;
    @Option(names = {"--additional-gids", "-g"}, paramLabel = "GID") List<Integer> groups = new ArrayList<>();
    @Option(names = {"--cap", "-c"}, paramLabel = "CAP") List<String> caps = new ArrayList<>();
    @Option(names = "--no-new-privs") boolean noNewPrivs;
    @Option(names = "--preserve-fds", paramLabel = "N") int preserveFds;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1..*", paramLabel = "COMMAND") List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if (preserveFds != 0) throw new EngineException("--preserve-fds is not supported by the isobench engine (its stage closes every fd above 2)");
        ExecSpec spec = process != null
                ? ExecReader.read(process, Optional.ofNullable(consoleSocket), detach)
                : ExecReader.fromFlags(command, env, cwd, user, groups, caps, noNewPrivs, tty, Optional.ofNullable(consoleSocket), detach);
        return oci.runtime().exec(id, spec, Optional.ofNullable(pidFile));
    }
}
