package dev.isobench.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.engine.Engine;
import dev.isobench.engine.cgroup.CgroupStats;
import dev.isobench.engine.proc.Mountinfo;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.state.StateRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

/**
 * A container described as docker inspect describes one, in its field names where it has them: its id, name,
 * image, command, state (pid, exit code, OOM kill, created, started and finished times), network address and
 * published ports, what is mounted in it (read from its process while it runs), its limits and counters from its
 * cgroup, and the cgroup's directories.
 */
final class Inspection {
    /** Where the port proxies listen: published ports are on loopback only. */
    static final String PUBLISHED_ON = "127.0.0.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Inspection() {}

    static List<PortMapping> ports(Container c) {
        List<String> ports = c.record().config().ports();
        return ports == null ? List.of() : ports.stream().map(PortMapping::parse).toList();
    }

    static ObjectNode of(Engine engine, Container c) {
        StateRecord r = c.record();
        StateRecord.Config cfg = r.config();
        ContainerState state = c.state();
        boolean running = state == ContainerState.RUNNING;
        ObjectNode o = JSON.createObjectNode();
        o.put("Id", c.id());
        o.put("Name", c.name());
        o.put("Created", Instant.ofEpochMilli(r.createdMillis()).toString());
        List<String> cmd = cfg.command() == null ? List.of() : cfg.command();
        o.put("Path", cmd.isEmpty() ? "" : cmd.get(0));
        o.set("Args", JSON.valueToTree(cmd.isEmpty() ? List.of() : cmd.subList(1, cmd.size())));
        ObjectNode st = o.putObject("State");
        st.put("Status", state == ContainerState.STOPPED || state == ContainerState.OOM_KILLED ? "exited" : state.lower());
        st.put("Running", running);
        st.put("Pid", running ? r.pid() : 0);
        if (state.isStopped()) c.exitCode().ifPresent(code -> st.put("ExitCode", code));
        st.put("OOMKilled", c.oomKilled());
        st.put("StartedAt", time(c.dir().started(), true));
        st.put("FinishedAt", time(c.dir().exitFile(), false));
        o.put("Image", cfg.image());
        o.put("ImageId", cfg.imageId());
        ObjectNode conf = o.putObject("Config");
        conf.put("Hostname", cfg.hostname());
        conf.put("User", cfg.uid() + ":" + cfg.gid());
        conf.set("Env", JSON.valueToTree(cfg.env()));
        conf.set("Cmd", JSON.valueToTree(cmd));
        conf.put("WorkingDir", cfg.workdir());
        conf.put("Image", cfg.image());
        ObjectNode net = o.putObject("NetworkSettings");
        net.put("Mode", cfg.network());
        net.put("IPAddress", r.address() == null ? "" : r.address());
        ObjectNode ports = net.putObject("Ports");
        for (PortMapping p : ports(c)) ports.putArray(p.containerPort() + "/tcp").addObject().put("HostIp", PUBLISHED_ON).put("HostPort", Integer.toString(p.hostPort()));
        o.set("Mounts", running ? mounts(r.pid()) : JSON.createArrayNode());
        ObjectNode host = o.putObject("HostConfig");
        host.put("Rootfs", cfg.rootfs() == null ? "" : cfg.rootfs().name().toLowerCase());
        host.put("ReadonlyRootfs", cfg.readOnly());
        host.put("Privileged", cfg.privileged());
        host.put("AutoRemove", cfg.ephemeral());
        host.put("Seccomp", cfg.seccomp() == null ? "default" : cfg.seccomp().name());
        host.set("CapAdd", JSON.valueToTree(cfg.capAdd() == null ? List.of() : cfg.capAdd()));
        host.set("CapDrop", JSON.valueToTree(cfg.capDrop() == null ? List.of() : cfg.capDrop()));
        CgroupStats s = c.stats();
        host.put("Memory", limit(s.memoryLimit()));
        host.put("PidsLimit", limit(s.pidsLimit()));
        ObjectNode cg = o.putObject("Cgroup");
        cg.put("Path", c.cgroup().toString());
        ArrayNode dirs = cg.putArray("Directories");
        for (Path root : engine.cgroups().roots()) {
            Path d = c.cgroup().in(root);
            if (Files.isDirectory(d)) dirs.add(d.toString());
        }
        ObjectNode counters = cg.putObject("Counters");
        counters.put("CpuUsageNanos", s.cpuUsageNanos());
        counters.put("MemoryUsage", s.memoryUsage());
        counters.put("PidsCurrent", s.pidsCurrent());
        counters.put("OomKills", s.oomKills());
        return o;
    }

    /** What is mounted in the running container, as its first process sees it. */
    private static ArrayNode mounts(int pid) {
        ArrayNode a = JSON.createArrayNode();
        List<Mountinfo.Entry> table;
        try {
            table = Mountinfo.read(Path.of("/proc", Integer.toString(pid), "mountinfo"));
        } catch (java.io.UncheckedIOException e) {
            return a; // it exited meanwhile
        }
        for (Mountinfo.Entry m : table) a.addObject().put("Destination", m.mountPoint().toString()).put("Type", m.fsType()).put("Source", m.source());
        return a;
    }

    /** A limit, or 0 for none and -1 for unknown, as docker's zero for "unlimited". */
    private static long limit(long value) {
        return value == CgroupStats.UNLIMITED ? 0 : value;
    }

    /** A file's change time (when a rename made it) or modification time, or docker's zero time where it is not there. */
    private static String time(Path file, boolean changed) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            FileTime t = changed ? (FileTime) Files.getAttribute(file, "unix:ctime") : a.lastModifiedTime();
            return t.toInstant().toString();
        } catch (IOException | RuntimeException e) {
            return "0001-01-01T00:00:00Z";
        }
    }

    static String json(Object node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
