package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code ctr logs}: what a detached container printed, kept by its monitor in its directory, as docker logs. */
@Command(mixinStandardHelpOptions = true, name = "logs", description = {
        "Print what a detached container wrote to its stdout and stderr (merged, in order), as docker logs.",
        "Its monitor keeps it in the container's directory, container.log, rotated to container.log.1 past 10 MiB: at most",
        "the last 20 MiB. -f follows it until the container stops."})
final class LogsCommand implements Callable<Integer> {
    private static final int POLL_MILLIS = 100;

    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-f", "--follow"}, description = "Keep printing what it writes until it stops.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "LINES", description = "Only the last LINES lines of what is kept.")
    Integer tail;

    @Parameters(paramLabel = "CONTAINER")
    String ref;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (tail != null && tail < 0) throw new IllegalArgumentException("--tail takes a number of lines of 0 or more, got " + tail);
        Container c = ctr.engine().get(ref);
        Path log = c.dir().log(), older = log.resolveSibling(log.getFileName() + ".1");
        if (!Files.exists(log)) {
            throw new EngineException("container " + ref + " has no log: only a detached container's output is kept (run -d, or create)");
        }
        PrintStream out = System.out;
        long offset = print(List.of(older, log), out);
        if (follow) follow(c, log, offset, out);
        out.flush();
        return 0;
    }

    /** What the files hold, oldest first (the last --tail lines of it); returns how far into the newest it read. */
    private long print(List<Path> files, PrintStream out) throws IOException {
        long offset = 0;
        if (tail == null) {
            for (Path f : files) offset = copy(f, 0, out);
            return offset;
        }
        Deque<String> last = new ArrayDeque<>();
        for (Path f : files) {
            if (!Files.exists(f)) continue;
            byte[] bytes = Files.readAllBytes(f);
            offset = bytes.length;
            for (String line : new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("(?<=\n)")) {
                if (line.isEmpty()) continue;
                last.addLast(line);
                if (last.size() > tail) last.removeFirst();
            }
        }
        last.forEach(out::print);
        return offset;
    }

    /**
     * Prints what is added to the log from {@code offset} on until the container stops; a rotation (the file
     * renamed to .1 and a new one begun) is followed into the new file, once the old one is read to its end.
     */
    private void follow(Container c, Path log, long offset, PrintStream out) throws IOException, InterruptedException {
        Object inode = key(log);
        while (true) {
            boolean running = c.state() == ContainerState.RUNNING || c.state() == ContainerState.CREATED;
            Object now = key(log);
            if (now != null && !now.equals(inode)) { // rotated: the rest of the old file, then the new one from its start
                copy(log.resolveSibling(log.getFileName() + ".1"), offset, out);
                inode = now;
                offset = 0;
            }
            offset = copy(log, offset, out);
            out.flush();
            if (!running) return; // stopped: its monitor drained the pipe before it said so, and this read it all
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Copies a file from an offset to the end; returns the end. */
    private static long copy(Path file, long from, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(65536);
            long pos = from;
            while (true) {
                b.clear();
                int n = ch.read(b, pos);
                if (n <= 0) return pos;
                out.write(b.array(), 0, n);
                pos += n;
            }
        } catch (NoSuchFileException e) {
            return from;
        }
    }

    private static Object key(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
