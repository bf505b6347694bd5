package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupPath;
import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.state.ContainerDir;
import dev.isobench.engine.state.ContainerLock;
import dev.isobench.engine.state.StateRecord;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and removes what crashed runs left: containers whose owner is gone (an attached container whose
 * CLI was killed, a create that died half-way), cgroups under isobench/ without a container, dangling
 * names, deleted containers' directories a killed JVM had not yet removed, and leases, veths and the bridge
 * of containers that are gone. A detached container, running or stopped, is kept for {@code rm}, unless {@code all}.
 *
 * <p>Every engine root shares the isobench/ cgroup parent, so a group without a container here may be another
 * root's (the tests' temporary roots, a second {@code --root}): only an empty one older than a minute counts as
 * a leftover. Another engine fills its new group within milliseconds; a crashed run's groups empty themselves,
 * since a container dies with its monitor.
 */
public final class GarbageCollector {
    /** What one collection removed. */
    public record Report(List<String> containers, List<String> cgroups, List<String> network) {
        public Report {
            containers = List.copyOf(containers);
            cgroups = List.copyOf(cgroups);
            network = List.copyOf(network);
        }
    }

    static final Duration FOREIGN_GRACE = Duration.ofMinutes(1);
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(30);

    private final Host host;

    public GarbageCollector(Host host) {
        this.host = host;
    }

    public Report collect(boolean all) {
        List<String> removed = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (ContainerDir dir : host.store().list()) {
            Optional<StateRecord> record;
            try {
                record = host.store().read(dir);
            } catch (EngineException e) { // edited by hand or cut short: unusable, so collected
                record = Optional.empty();
            }
            if (record.isPresent() && !all && !isLeftover(record.get())) {
                kept.add(dir.id());
                continue;
            }
            if (record.isPresent()) {
                Container.load(host, dir, record.get()).delete();
            } else { // no record yet: a create in progress holds the lock; one that died half-way is a leftover
                Optional<ContainerLock> lock = ContainerLock.tryAcquire(dir);
                if (lock.isEmpty()) {
                    kept.add(dir.id());
                    continue;
                }
                try (ContainerLock held = lock.get()) {
                    ContainerCgroups.remove(host.cgroups(), dir.id(), dir.path());
                    host.store().remove(dir);
                }
            }
            removed.add(dir.id());
        }
        Reaper.drain(DRAIN_WAIT);
        for (Path retired : host.store().retired()) { // a JVM killed before its reaper was done
            String id = retired.getFileName().toString();
            Reaper.removeNow(host.cgroups(), id, retired);
            if (!removed.contains(id)) removed.add(id);
        }
        List<String> cgroups = new ArrayList<>();
        for (String id : host.cgroups().list()) {
            if (kept.contains(id) || removed.contains(id) || !abandoned(id)) continue;
            host.cgroups().destroy(CgroupPath.ofContainer(id));
            cgroups.add(id);
        }
        host.cgroups().prune();
        host.store().releaseNames(null);
        List<String> network = host.network().collect(kept);
        return new Report(removed, cgroups, network);
    }

    /** A group of no container here: empty and made over a minute ago (see the class comment). */
    private boolean abandoned(String id) {
        if (!host.cgroups().pids(CgroupPath.ofContainer(id)).isEmpty()) return false;
        List<Path> files = host.cgroups().joinFiles(CgroupPath.ofContainer(id));
        if (files.isEmpty()) return false;
        try {
            Instant made = Files.getLastModifiedTime(files.get(0).getParent()).toInstant();
            return made.isBefore(Instant.now().minus(FOREIGN_GRACE));
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    private static boolean isLeftover(StateRecord r) {
        boolean monitorAlive = new ProcessInfo(r.monitorPid(), r.monitorStart()).isAlive();
        if (r.config().ephemeral() && r.monitorPid() > 0 && !monitorAlive) return true; // removed at exit: only a cut-short delete leaves it
        boolean ownerAlive = new ProcessInfo(r.ownerPid(), r.ownerStart()).isAlive();
        if (r.status().equals("removing")) return !ownerAlive || !monitorAlive;
        if (!r.config().detached()) return !ownerAlive && !r.status().equals("exited");
        return false; // detached: kept for rm
    }
}
