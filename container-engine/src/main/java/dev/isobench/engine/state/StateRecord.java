package dev.isobench.engine.state;

import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.HostEntry;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.Networking;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.spec.User;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What state.json holds: the container's configuration (enough of the spec to exec into and describe it), and
 * the processes that identify it (pid plus start time, so a reused pid is never mistaken for it). The owner is
 * the process that answers for an attached container; when it is gone, gc removes the container.
 */
public record StateRecord(String id, Config config, String address, List<String> proxies, String status, int monitorPid, long monitorStart,
                          int pid, long pidStart, int ownerPid, long ownerStart, long createdMillis) {
    /** The part of the spec a running container needs again: for exec, ps and inspection. */
    public record Config(String name, String image, String imageId, List<String> command, List<String> env, String workdir, int uid, int gid,
                         String hostname, List<Namespace> namespaces, RootfsMode rootfs, boolean detached, boolean ephemeral, Seccomp seccomp,
                         List<String> capAdd, List<String> capDrop, boolean readOnly, IdMap userns, boolean privileged, String network,
                         List<String> ports, List<String> extraHosts, String cgroupsPath) {
        /** What a spec makes of the image (its id, and the command when the spec gives none) and the hostname. */
        public static Config of(ContainerSpec spec, String id, String image, String imageId, List<String> command, String hostname) {
            return new Config(spec.name().orElse(id), image, imageId, command, spec.env(), spec.workdir(), spec.user().uid(), spec.user().gid(),
                    hostname, new ArrayList<>(spec.namespaces()), spec.rootfs(), spec.detached(), spec.ephemeral(), spec.seccomp(), spec.capAdd(),
                    spec.capDrop(), spec.readOnly(), spec.userns().orElse(null), spec.privileged(), spec.net().toString(),
                    spec.net().ports().stream().map(m -> m.hostPort() + ":" + m.containerPort()).toList(),
                    spec.net().extraHosts().stream().map(h -> h.name() + ":" + h.address()).toList(), spec.cgroupsPath().orElse(null));
        }

        public ContainerSpec spec() {
            ContainerSpec.Builder b = ContainerSpec.builder().name(name).image(image).command(command).workdir(workdir)
                    .user(new User(uid, gid, List.of())).hostname(hostname).rootfs(rootfs).detached(detached).ephemeral(ephemeral)
                    .seccomp(seccomp == null ? Seccomp.DEFAULT : seccomp).readOnly(readOnly).userns(userns).privileged(privileged).cgroupsPath(cgroupsPath);
            if (capAdd != null) capAdd.forEach(b::capAdd);
            if (capDrop != null) capDrop.forEach(b::capDrop);
            env.forEach(b::env);
            for (Namespace ns : EnumSet.allOf(Namespace.class)) {
                if (namespaces.contains(ns)) b.withNamespace(ns);
                else b.withoutNamespace(ns);
            }
            if (network != null) {
                Networking net = Networking.parse(network);
                if (ports != null) net = net.withPorts(ports.stream().map(PortMapping::parse).toList());
                if (extraHosts != null) net = net.withExtraHosts(extraHosts.stream().map(HostEntry::parse).toList());
                b.network(net);
            }
            return b.build();
        }
    }

    public List<String> proxies() {
        return proxies == null ? List.of() : proxies;
    }

    public StateRecord withNetwork(String newAddress, List<String> newProxies) {
        return new StateRecord(id, config, newAddress, List.copyOf(newProxies), status, monitorPid, monitorStart, pid, pidStart, ownerPid, ownerStart,
                createdMillis);
    }

    public StateRecord withStatus(String newStatus) {
        return new StateRecord(id, config, address, proxies, newStatus, monitorPid, monitorStart, pid, pidStart, ownerPid, ownerStart, createdMillis);
    }

    public StateRecord withProcesses(int newMonitorPid, long newMonitorStart, int newPid, long newPidStart) {
        return new StateRecord(id, config, address, proxies, status, newMonitorPid, newMonitorStart, newPid, newPidStart, ownerPid, ownerStart,
                createdMillis);
    }
}
