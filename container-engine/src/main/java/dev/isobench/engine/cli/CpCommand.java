package dev.isobench.engine.cli;

import dev.isobench.engine.files.HostTar;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code ctr cp}: files between a running container and the host, as docker cp, as a tar stream. The container's
 * side is a static busybox tar run with the container's root as its own ({@code isobench-inroot}): every path in
 * the container resolves as the container's own do, so a symlink there (absolute, or "..") cannot lead out of it.
 */
@Command(mixinStandardHelpOptions = true, name = "cp", description = {
        "Copy files or directories between a running container and the host, as docker cp.",
        "CONTAINER:SRC DEST copies out, SRC CONTAINER:DEST copies in; '-' as DEST writes a tar stream to stdout, as SRC reads",
        "one from stdin. A tar stream under the hood: in the container, paths resolve as the container's own do (its symlinks",
        "stay inside it); on the host, nothing is written outside DEST or through a symlink."})
final class CpCommand implements Callable<Integer> {
    /** A static busybox (Debian's busybox-static): the tar that runs inside a container's root, needing no library there. */
    static final Path BUSYBOX = Path.of("/bin/busybox");

    @ParentCommand
    CtrCommand ctr;

    @Parameters(index = "0", paramLabel = "SRC")
    String from;

    @Parameters(index = "1", paramLabel = "DEST")
    String to;

    /** CONTAINER:PATH, or a host path (a ':' after a '/' is part of a host path, as docker reads it). */
    private record Side(String container, String path) {
        static Side parse(String arg) {
            int colon = arg.indexOf(':');
            int slash = arg.indexOf('/');
            if (colon > 0 && (slash < 0 || colon < slash)) return new Side(arg.substring(0, colon), arg.substring(colon + 1));
            return new Side(null, arg);
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Side src = Side.parse(from), dest = Side.parse(to);
        if ((src.container() == null) == (dest.container() == null)) {
            throw new IllegalArgumentException("cp copies between a container and the host: one of SRC and DEST is CONTAINER:PATH, the other a host path");
        }
        Side inside = src.container() != null ? src : dest;
        if (!inside.path().startsWith("/")) throw new IllegalArgumentException("a path in the container must be absolute, got '" + inside.path() + "'");
        Container c = ctr.engine().get(inside.container());
        if (c.state() != ContainerState.RUNNING) {
            throw new EngineException("container " + inside.container() + " is " + c.state().lower() + ": cp needs a running one (start it first)");
        }
        if (!Files.isExecutable(BUSYBOX)) throw new EngineException("cp needs a static busybox at " + BUSYBOX + " (apt-get install busybox-static, or scripts/setup)");
        String root = "/proc/" + c.pid() + "/root";
        if (src.container() != null) copyOut(root, src.path(), dest.path());
        else copyIn(src.path(), root, dest.path());
        return 0;
    }

    private void copyOut(String root, String path, String dest) throws IOException, InterruptedException {
        Path p = Path.of(path).normalize();
        String parent = p.getParent() == null ? "/" : p.getParent().toString();
        String name = p.getFileName() == null ? "." : p.getFileName().toString();
        Process tar = inRoot(root, "tar", "-C", parent, "-cf", "-", name);
        CompletableFuture<String> said = errors(tar);
        try (InputStream in = tar.getInputStream()) {
            if (dest.equals("-")) in.transferTo(System.out);
            else HostTar.unpack(in, Path.of(dest));
        } catch (IOException e) {
            tar.destroyForcibly();
            tar.waitFor();
            String why = said.join();
            throw new EngineException("cannot copy " + from + ": " + (why.isEmpty() ? e.getMessage() : why));
        }
        finish(tar, said, from);
        System.out.flush();
    }

    private void copyIn(String source, String root, String path) throws IOException, InterruptedException {
        String dir, name;
        if (path.endsWith("/") || succeeds(root, "test", "-d", path)) { // into a directory there, keeping its name
            dir = path;
            name = source.equals("-") ? null : Path.of(source).toAbsolutePath().normalize().getFileName().toString();
        } else {
            Path p = Path.of(path).normalize();
            dir = p.getParent() == null ? "/" : p.getParent().toString();
            name = p.getFileName() == null ? null : p.getFileName().toString();
        }
        if (!succeeds(root, "test", "-d", dir)) throw new EngineException("no such directory in the container: " + dir);
        Process tar = inRoot(root, "tar", "-C", dir, "-xf", "-");
        CompletableFuture<String> said = errors(tar);
        try (OutputStream out = tar.getOutputStream()) {
            if (source.equals("-")) System.in.transferTo(out);
            else HostTar.pack(Path.of(source), name, out);
        } catch (IOException e) {
            tar.destroyForcibly();
            tar.waitFor();
            String why = said.join();
            throw new EngineException("cannot copy " + source + " to " + to + ": " + (why.isEmpty() ? e.getMessage() : why));
        }
        finish(tar, said, to);
    }

    private Process inRoot(String root, String... busybox) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ctr.engine().binaries().inroot().toString(), root, BUSYBOX.toString()));
        cmd.addAll(List.of(busybox));
        return new ProcessBuilder(cmd).start();
    }

    private boolean succeeds(String root, String... busybox) throws IOException, InterruptedException {
        Process p = inRoot(root, busybox);
        p.getOutputStream().close();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        return p.waitFor() == 0;
    }

    private static CompletableFuture<String> errors(Process p) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip().replace('\n', ' ');
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static void finish(Process tar, CompletableFuture<String> said, String what) throws InterruptedException {
        int code = tar.waitFor();
        String why = said.join();
        if (code != 0) throw new EngineException("cannot copy " + what + ": " + (why.isEmpty() ? "tar exited " + code : why));
    }
}
