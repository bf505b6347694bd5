package dev.isobench.engine.net;

import dev.isobench.engine.proc.ProcessInfo;
import dev.isobench.engine.spec.HostEntry;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wires containers to the bridge: an address (lease), a veth pair {@code isb<id>} / {@code eth0} (rtnetlink), a default
 * route to the host side, /etc/hosts and /etc/resolv.conf, and published ports (one isobench-proxy per
 * port on 127.0.0.1). {@link #detach} undoes all of it and removes the bridge with its last container.
 */
public final class BridgeNetwork {
    public static final String HOSTS = "hosts";
    /** In the container's directory: what its port proxies said (why a connection was closed). */
    public static final String PROXY_LOG = "proxy.log";
    public static final String RESOLV = "resolv.conf";
    private static final String RESOLV_TEXT = "# isobench: no name server is reachable from " + Bridge.NAME
            + " (no route leaves the machine);\n# containers on the bridge and " + HostsFile.HOST_NAME + " are in /etc/hosts\n";

    private final Path root;
    private final Path proxy;
    private final Leases leases;

    public BridgeNetwork(Path root, Path proxy) {
        this.root = root;
        this.proxy = proxy;
        this.leases = new Leases();
    }

    /** Before the container exists: an address, the bridge, and the files it will see. Returns the address. */
    public String reserve(String id, String name, String hostname, Path containerDir, List<HostEntry> extra) {
        String address = leases.locked(table -> {
            String a = leases.allocateIn(table, new Leases.Lease(id, name, hostname, root.toString()));
            Bridge.ensure(); // under the lock: a detach that empties the table cannot delete it meanwhile
            return a;
        });
        try {
            HostsFile.write(containerDir.resolve(HOSTS), HostsFile.own(address, hostname, name, extra));
            HostsFile.write(containerDir.resolve(RESOLV), RESOLV_TEXT);
            rewriteAllHosts();
        } catch (RuntimeException e) {
            release(id);
            throw e;
        }
        return address;
    }

    /** For {@code none} and {@code container:}: only the hosts file. */
    public static void writeHosts(Path containerDir, String hostname, String name, List<HostEntry> extra) {
        HostsFile.write(containerDir.resolve(HOSTS), HostsFile.own(null, hostname, name, extra));
    }

    /**
     * Once the container's first process waits at its start barrier: its veth pair, address and route, and
     * the published ports. Returns the proxies as "pid:starttime".
     */
    public List<String> attach(String id, int pid, int monitorPid, String address, List<PortMapping> ports) {
        String host = Bridge.hostEnd(id);
        try (Rtnetlink rt = Rtnetlink.open()) {
            rt.createVeth(host, Bridge.index(), "eth0", pid, address);
        }
        try (Rtnetlink inside = Rtnetlink.openIn(pid)) {
            inside.configurePeer(address, Bridge.PREFIX, Bridge.GATEWAY);
        }
        List<String> proxies = new ArrayList<>();
        try {
            for (PortMapping port : ports) proxies.add(publish(id, port, address, monitorPid));
        } catch (RuntimeException e) {
            stopProxies(proxies);
            throw e;
        }
        return proxies;
    }

    private String publish(String id, PortMapping port, String address, int monitorPid) {
        try {
            File log = root.resolve("containers").resolve(id).resolve(PROXY_LOG).toFile();
            Process p = new ProcessBuilder(proxy.toString(), "127.0.0.1", Integer.toString(port.hostPort()), address,
                    Integer.toString(port.containerPort()), Integer.toString(monitorPid))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            p.getInputStream().close();
            if (!"ready".equals(first)) {
                p.waitFor();
                throw new EngineException("-p " + port.hostPort() + ":" + port.containerPort() + ": cannot listen on 127.0.0.1:" + port.hostPort()
                        + " (" + (first == null ? "proxy exited" : first.replaceFirst("^error ", "")) + "); choose another host port");
            }
            ProcessInfo info = ProcessInfo.of((int) p.pid()).orElseThrow(() -> new EngineException("port proxy vanished"));
            return info.pid() + ":" + info.startTime();
        } catch (IOException e) {
            throw new EngineException("cannot start the port proxy " + proxy + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while publishing a port", e);
        }
    }

    /**
     * Removes the container's proxies and lease; the bridge goes with the last lease. Called once the
     * container's processes are dead: its veth pair then goes with its network namespace, which the kernel
     * tears down in the background. Deleting the veth here instead costs tens of milliseconds of waiting for RCU.
     */
    public void detach(String id, List<String> proxies) {
        stopProxies(proxies);
        release(id);
    }

    /** A veth goes with its namespace, asynchronously: one already gone is fine. */
    private static void deleteLink(String name) {
        try (Rtnetlink rt = Rtnetlink.open()) {
            rt.deleteLink(name);
        }
    }

    private void release(String id) {
        leases.locked(table -> {
            table.values().removeIf(l -> l.id().equals(id));
            if (table.isEmpty()) Bridge.remove();
            return null;
        });
        rewriteAllHosts();
    }

    /** gc: leases and veths of this root's containers that are gone, stray veths, and an unused bridge. */
    public List<String> collect(Set<String> liveIds) {
        List<String> freed = new ArrayList<>();
        if (!Bridge.exists() && !Files.exists(Leases.RUN_DIR.resolve("leases.json"))) return freed;
        leases.locked(table -> {
            table.values().removeIf(l -> {
                boolean gone = l.root().equals(root.toString()) && !liveIds.contains(l.id());
                if (gone) freed.add("lease of " + l.id());
                return gone;
            });
            Set<String> leased = new HashSet<>();
            table.values().forEach(l -> leased.add(Bridge.hostEnd(l.id())));
            for (String port : Bridge.ports()) {
                if (port.startsWith("isb") && !leased.contains(port)) {
                    deleteLink(port);
                    freed.add("veth " + port);
                }
            }
            if (table.isEmpty() && Bridge.exists()) {
                Bridge.remove();
                freed.add("bridge " + Bridge.NAME);
            }
            return null;
        });
        rewriteAllHosts();
        return freed;
    }

    private void rewriteAllHosts() {
        Map<String, Leases.Lease> now = leases.all();
        for (Leases.Lease l : now.values()) {
            HostsFile.rewriteSection(Path.of(l.root()).resolve("containers").resolve(l.id()).resolve(HOSTS), l.id(), now);
        }
    }

    private static void stopProxies(List<String> proxies) {
        for (String p : proxies) {
            String[] parts = p.split(":");
            ProcessInfo proc = new ProcessInfo(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            if (proc.isAlive()) Native.kill(proc.pid(), 9);
            for (int i = 0; i < 1000 && proc.isAlive(); i++) sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while stopping a port proxy", e);
        }
    }
}
