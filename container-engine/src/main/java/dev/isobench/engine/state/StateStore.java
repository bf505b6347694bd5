package dev.isobench.engine.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Container directories under {@code <root>/containers/<id>} and names under {@code <root>/names/<name>}
 * (a symlink to the id, so claiming a name is one atomic syscall).
 */
public final class StateStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path containers;
    private final Path names;
    /** Directories of deleted containers, each named by its id, waiting for the reaper (runtime.Reaper). */
    private final Path trash;
    /** What this process last wrote for each container, so that reading its own write back skips a parse. */
    private final Map<Path, Written> written = new ConcurrentHashMap<>();
    /** Set once its directories exist: they are never removed, so later allocations skip the mkdirs. */
    private volatile boolean prepared;

    private record Written(Object key, FileTime modified, long size, StateRecord record) {}

    public StateStore(Path root) {
        this.containers = root.resolve("containers");
        this.names = root.resolve("names");
        this.trash = root.resolve("trash");
    }

    private void makeRoot() throws IOException {
        Files.createDirectories(containers);
        Files.createDirectories(names);
        Files.createDirectories(trash);
        prepared = true;
    }

    /** Makes a fresh container directory with a new 12-hex-digit id, and claims the name if one is given. */
    public ContainerDir allocate(Optional<String> name) {
        try {
            if (!prepared) makeRoot();
            while (true) {
                byte[] b = new byte[6];
                RANDOM.nextBytes(b);
                String id = HexFormat.of().formatHex(b);
                // Ids all have 12 digits, so an existing one can only collide whole: createDirectory below
                // refuses that atomically. A name equal to the id would block the id's own name link.
                if (Files.exists(names.resolve(id))) continue;
                Path dir = containers.resolve(id);
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException e) {
                    continue;
                } catch (NoSuchFileException e) { // the root was removed under a running engine: make it again
                    makeRoot();
                    continue;
                }
                try {
                    Files.createSymbolicLink(names.resolve(name.orElse(id)), Path.of(id));
                } catch (FileAlreadyExistsException e) {
                    Files.delete(dir);
                    throw new EngineException("the name '" + name.orElse(id) + "' is already in use: remove that container"
                            + " (isobench ctr rm " + name.orElse(id) + ") or pick another --name");
                }
                return new ContainerDir(dir);
            }
        } catch (IOException e) {
            throw new EngineException("cannot create container state under " + containers + ": " + e.getMessage()
                    + " (check that the engine root is writable)", e);
        }
    }

    public void write(ContainerDir dir, StateRecord record) {
        written.remove(dir.path());
        try {
            Path tmp = dir.path().resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), record);
            BasicFileAttributes file = Files.readAttributes(tmp, BasicFileAttributes.class);
            Native.replace(tmp.toString(), dir.state().toString());
            written.put(dir.path(), new Written(file.fileKey(), file.lastModifiedTime(), file.size(), record));
        } catch (IOException | EngineException e) {
            throw new EngineException("cannot write " + dir.state() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The record, or empty when the directory has none yet (a create that died early). When the file is still
     * the one this process wrote (same inode, modification time and size: an inode number can be reused, a
     * nanosecond time and a size with it hardly), the record written is returned without parsing it again.
     */
    public Optional<StateRecord> read(ContainerDir dir) {
        Written mine = written.get(dir.path());
        if (mine != null) {
            try {
                BasicFileAttributes now = Files.readAttributes(dir.state(), BasicFileAttributes.class);
                if (now.fileKey().equals(mine.key()) && now.lastModifiedTime().equals(mine.modified()) && now.size() == mine.size()) {
                    return Optional.of(mine.record());
                }
            } catch (IOException e) {
                // gone or unreadable: the parse below says which
            }
        }
        try {
            return Optional.of(JSON.readValue(dir.state().toFile(), StateRecord.class));
        } catch (NoSuchFileException | FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new EngineException("state file " + dir.state() + " is unreadable (" + e.getMessage()
                    + "); 'isobench ctr gc' removes the container, its processes and cgroup", e);
        }
    }

    /** Resolves a name, an id or a unique id prefix, as docker does. */
    public Optional<ContainerDir> find(String ref) {
        Optional<ContainerDir> named = findName(ref);
        return named.isPresent() || ref.isEmpty() || ref.contains("/") ? named : findByPrefix(ref);
    }

    /** Resolves exactly a name (or a whole id): no prefix matching, as an OCI runtime's ids need. */
    public Optional<ContainerDir> findName(String ref) {
        if (ref.isEmpty() || ref.contains("/")) return Optional.empty();
        try {
            Path link = names.resolve(ref);
            if (Files.isSymbolicLink(link)) {
                Path dir = containers.resolve(Files.readSymbolicLink(link).toString());
                if (Files.isDirectory(dir)) return Optional.of(new ContainerDir(dir));
            }
        } catch (IOException e) {
            throw new EngineException("cannot read name " + ref + ": " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    private Optional<ContainerDir> findByPrefix(String prefix) {
        List<ContainerDir> hits = new ArrayList<>();
        for (ContainerDir d : list()) {
            if (d.id().startsWith(prefix)) hits.add(d);
        }
        if (hits.size() > 1) throw new EngineException("'" + prefix + "' matches " + hits.size() + " containers: give more of the id");
        return hits.stream().findFirst();
    }

    public List<ContainerDir> list() {
        List<ContainerDir> dirs = new ArrayList<>();
        if (!Files.isDirectory(containers)) return dirs;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(containers, Files::isDirectory)) {
            for (Path p : s) dirs.add(new ContainerDir(p));
        } catch (NoSuchFileException e) {
            return dirs; // the root removed while it was read: nothing in it
        } catch (IOException e) {
            throw new EngineException("cannot list " + containers + ": " + e.getMessage(), e);
        }
        return dirs;
    }

    /** Removes the directory and its name (one link, looked up directly: no scan, no race with other removals). */
    public void remove(ContainerDir dir, String name) {
        written.remove(dir.path());
        SafeDelete.tree(dir.path());
        releaseName(dir, name);
    }

    private void releaseName(ContainerDir dir, String name) {
        Path link = names.resolve(name);
        try {
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(dir.id())) Files.deleteIfExists(link);
        } catch (NoSuchFileException e) {
            // removed meanwhile
        } catch (IOException e) {
            throw new EngineException("cannot release name " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes the directory out of the store in one rename (into {@code trash/<id>}) and releases its name; the
     * tree itself is left for the reaper (runtime.Reaper). Returns where it went.
     */
    public Path retire(ContainerDir dir, String name) {
        written.remove(dir.path());
        Path retired = trash.resolve(dir.id());
        try {
            if (!prepared) makeRoot();
        } catch (IOException e) {
            throw new EngineException("cannot create " + trash + ": " + e.getMessage(), e);
        }
        int errno = Native.rename(dir.path().toString(), retired.toString());
        if (errno != 0) throw new EngineException("cannot move " + dir.path() + " to " + trash + ": " + Native.strerror(errno));
        releaseName(dir, name);
        return retired;
    }

    /** Deleted containers' directories not yet removed (a JVM killed before its reaper was done). */
    public List<Path> retired() {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(trash)) return dirs;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(trash)) {
            for (Path p : s) dirs.add(p);
        } catch (NoSuchFileException e) {
            return dirs;
        } catch (IOException e) {
            throw new EngineException("cannot list " + trash + ": " + e.getMessage(), e);
        }
        return dirs;
    }

    /** Removes a directory whose state is unknown (a create that died early), and any name pointing at it. */
    public void remove(ContainerDir dir) {
        written.remove(dir.path());
        SafeDelete.tree(dir.path());
        releaseNames(dir.id());
    }

    /** Drops names whose container directory is gone (a crash between the two deletes). */
    public void releaseNames(String id) {
        if (!Files.isDirectory(names)) return;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(names)) {
            for (Path link : s) {
                try {
                    String target = Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).toString() : "";
                    if (target.equals(id) || (id == null && !Files.isDirectory(containers.resolve(target)))) Files.deleteIfExists(link);
                } catch (NoSuchFileException e) {
                    // another removal took it meanwhile
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot release names of " + id + ": " + e.getMessage(), e);
        }
    }
}
