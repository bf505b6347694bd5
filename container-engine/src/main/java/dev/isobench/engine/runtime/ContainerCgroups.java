package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupDriver;
import dev.isobench.engine.cgroup.CgroupPath;
import dev.isobench.engine.state.StateRecord;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container's cgroup and what its create made there. A container at its own place ({@code isobench/<id>}) needs
 * no record: its group is its id's. One placed elsewhere (an OCI {@code cgroupsPath}) keeps, in its directory,
 * its path and the directories its create made, written before they are made, so a delete, a gc or the undo of a
 * failed create removes exactly those and never a group it found there.
 */
final class ContainerCgroups {
    private static final String FILE = "cgroups";

    private ContainerCgroups() {}

    static CgroupPath of(StateRecord record) {
        return CgroupPath.of(Optional.ofNullable(record.config().cgroupsPath()), record.id());
    }

    /** Makes the group, first recording what it will make when it is not the container's own place; returns what it made. */
    static List<Path> create(CgroupDriver cgroups, CgroupPath group, String id, Path containerDir) {
        if (group.equals(CgroupPath.ofContainer(id))) return cgroups.create(group);
        List<Path> missing = cgroups.missing(group);
        write(containerDir, group, missing); // a create killed half-way leaves the record for gc
        List<Path> made = new ArrayList<>(cgroups.create(group));
        made.retainAll(missing); // a driver's fast path for isobench/NAME counts the group as made even where it was there
        write(containerDir, group, made);
        return made;
    }

    /**
     * Removes the cgroups of the container whose directory (live or retired) this is: what its record says it made,
     * or the engine's own group of that id when there is no record.
     */
    static void remove(CgroupDriver cgroups, String id, Path containerDir) {
        Path file = containerDir.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            cgroups.destroy(CgroupPath.ofContainer(id));
            return;
        } catch (IOException e) {
            throw new EngineException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) return;
        List<Path> made = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) made.add(Path.of(line));
        cgroups.remove(new CgroupPath(lines.get(0)), made);
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new EngineException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path containerDir, CgroupPath group, List<Path> made) {
        List<String> lines = new ArrayList<>();
        lines.add(group.relative());
        made.forEach(p -> lines.add(p.toString()));
        Path file = containerDir.resolve(FILE);
        try {
            Path tmp = containerDir.resolve(FILE + ".tmp");
            Files.write(tmp, lines);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EngineException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
