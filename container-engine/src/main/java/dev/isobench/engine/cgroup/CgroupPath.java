package dev.isobench.engine.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a container's group sits: one path, relative to the root of every hierarchy. The engine's own containers
 * sit at {@code isobench/<id>}; an OCI config's {@code linux.cgroupsPath} puts one where its caller asked
 * (a kubelet's pod group, Docker's {@code /docker/<id>}).
 */
public record CgroupPath(String relative) {
    public CgroupPath {
        if (relative.isEmpty() || relative.startsWith("/") || relative.endsWith("/")) {
            throw new IllegalArgumentException("cgroup path '" + relative + "' must be relative to the hierarchy's root, without a trailing /");
        }
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("cgroup path '" + relative + "' has an empty, '.' or '..' part: name each group on the way");
            }
        }
    }

    /** The engine's own place for a container: {@code isobench/<id>}. */
    public static CgroupPath ofContainer(String id) {
        return new CgroupPath(CgroupFiles.PARENT + "/" + id);
    }

    /**
     * Where a container goes: the OCI {@code cgroupsPath} when one is given (absolute: from each hierarchy's root;
     * relative: under the engine's {@code isobench/}, as the runtime spec lets a runtime choose), else the engine's place.
     */
    public static CgroupPath of(Optional<String> cgroupsPath, String id) {
        if (cgroupsPath.isEmpty() || cgroupsPath.get().isEmpty()) return ofContainer(id);
        String value = cgroupsPath.get();
        if (value.startsWith("/")) {
            String stripped = value.replaceAll("^/+", "");
            if (stripped.isEmpty()) throw new IllegalArgumentException("cgroup path '/' is the host's root group: name a group under it");
            return new CgroupPath(stripped);
        }
        return new CgroupPath(CgroupFiles.PARENT + "/" + value);
    }

    /**
     * The systemd driver's form, {@code slice:prefix:name}, which runc and crun hand to systemd with
     * {@code --systemd-cgroup}. The engine does not drive systemd, so such a container stays at its own place.
     */
    public static boolean isSystemdForm(String cgroupsPath) {
        return !cgroupsPath.startsWith("/") && cgroupsPath.split(":", -1).length == 3;
    }

    /** The group in one hierarchy. */
    public Path in(Path hierarchy) {
        return hierarchy.resolve(relative);
    }

    /** The groups from the hierarchy's root down to this one, outermost first (the root itself left out). */
    List<Path> chain(Path hierarchy) {
        List<Path> chain = new ArrayList<>();
        Path p = hierarchy;
        for (String part : relative.split("/")) {
            p = p.resolve(part);
            chain.add(p);
        }
        return chain;
    }

    /** Whether this is the engine's own place for a container, {@code isobench/<id>} (prepared groups serve those). */
    public boolean isEngines() {
        return relative.startsWith(CgroupFiles.PARENT + "/") && relative.indexOf('/', CgroupFiles.PARENT.length() + 1) < 0;
    }

    /** The last part: the container's id for the engine's own places. */
    public String name() {
        return relative.substring(relative.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return relative;
    }
}
