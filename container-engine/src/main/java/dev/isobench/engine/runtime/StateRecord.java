package dev.isobench.engine.runtime;

import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.HostEntry;
import dev.isobench.engine.spec.IdMap;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.Networking;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.spec.User;
import java.util.EnumSet;
import java.util.List;

/**
 * What state.json holds: enough of the spec to exec into and describe the container, and the processes
 * that identify it (pid plus start time, so a reused pid is never mistaken for it). The owner is the
 * process that answers for an attached container; when it is gone, gc removes the container.
 */
public record StateRecord(String id, String name, String image, String imageId, List<String> command, List<String> env, String workdir,
                          int uid, int gid, String hostname, List<Namespace> namespaces, RootfsMode rootfs,
                          boolean detached, boolean ephemeral, Seccomp seccomp, List<String> capAdd, List<String> capDrop,
                          boolean readOnly, IdMap userns, boolean privileged, String network, List<String> ports, List<String> extraHosts, String address,
                          List<String> proxies, String status, int monitorPid, long monitorStart, int pid, long pidStart,
                          int ownerPid, long ownerStart, long createdMillis) {
    public ContainerSpec spec() {
        ContainerSpec.Builder b = ContainerSpec.builder().name(name).image(image).command(command).workdir(workdir)
                .user(new User(uid, gid, List.of())).hostname(hostname).rootfs(rootfs).detached(detached).ephemeral(ephemeral)
                .seccomp(seccomp == null ? Seccomp.DEFAULT : seccomp).readOnly(readOnly).userns(userns).privileged(privileged);
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

    public List<String> proxies() {
        return proxies == null ? List.of() : proxies;
    }

    public StateRecord withNetwork(String newAddress, List<String> newProxies) {
        return new StateRecord(id, name, image, imageId, command, env, workdir, uid, gid, hostname, namespaces, rootfs, detached, ephemeral,
                seccomp, capAdd, capDrop, readOnly, userns, privileged, network, ports, extraHosts, newAddress, newProxies, status, monitorPid, monitorStart, pid, pidStart, ownerPid, ownerStart, createdMillis);
    }

    public StateRecord withStatus(String newStatus) {
        return new StateRecord(id, name, image, imageId, command, env, workdir, uid, gid, hostname, namespaces, rootfs, detached, ephemeral,
                seccomp, capAdd, capDrop, readOnly, userns, privileged, network, ports, extraHosts, address, proxies, newStatus, monitorPid, monitorStart, pid, pidStart, ownerPid, ownerStart, createdMillis);
    }

    public StateRecord withProcesses(int newMonitorPid, long newMonitorStart, int newPid, long newPidStart) {
        return new StateRecord(id, name, image, imageId, command, env, workdir, uid, gid, hostname, namespaces, rootfs, detached, ephemeral,
                seccomp, capAdd, capDrop, readOnly, userns, privileged, network, ports, extraHosts, address, proxies, status, newMonitorPid, newMonitorStart, newPid, newPidStart, ownerPid, ownerStart, createdMillis);
    }
}
