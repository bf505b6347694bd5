package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.net.Bridge;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.HostEntry;
import dev.isobench.engine.spec.NetworkMode;
import dev.isobench.engine.spec.PortMapping;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bridge network with real veth pairs, addresses, routes and port proxies. */
@Tag("integration")
class NetworkTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    private static ContainerSpec.Builder bridge(String... argv) {
        return ContainerSpec.builder().network(NetworkMode.BRIDGE).command(argv);
    }

    private Container server(String name, int port, int conns) {
        Container c = t.start(bridge("/probe", "tcp-echo", "serve", "0.0.0.0", Integer.toString(port), Integer.toString(conns), "30").name(name));
        waitForListening(t.root().resolve("log"));
        return c;
    }

    static void waitForListening(Path log) {
        for (int i = 0; i < 500; i++) {
            if (TestEngine.read(log).contains("listening")) return;
            sleep(10);
        }
        throw new AssertionError("server never listened: " + TestEngine.read(log));
    }

    @Test
    void containersOnTheBridgeReachEachOtherAndTheHostSideByAddressAndByName() throws Exception {
        Container a = server("net-a", 7000, 2);
        String address = new dev.isobench.engine.net.Leases().all().entrySet().stream()
                .filter(e -> e.getValue().id().equals(a.id())).findFirst().orElseThrow().getKey();
        assertTrue(address.startsWith("10.88."), address);
        assertEquals(3, t.run(bridge("/probe", "tcp-echo", "ping", "net-a", "7000", "3")).lines().size(), "by name");
        assertEquals(3, t.run(bridge("/probe", "tcp-echo", "ping", address, "7000", "3")).lines().size(), "by address");
        // The host side: a server on the bridge's own address, reached as host.isobench.internal.
        Process host = new ProcessBuilder(t.engine().binaries().probe().toString(), "tcp-echo", "serve", Bridge.GATEWAY, "7001", "1", "30").start();
        try {
            assertEquals("listening", new String(host.getInputStream().readNBytes(9)));
            assertEquals(2, t.run(bridge("/probe", "tcp-echo", "ping", "host.isobench.internal", "7001", "2")).lines().size());
            assertTrue(host.waitFor(10, TimeUnit.SECONDS));
        } finally {
            host.destroyForcibly();
        }
        assertEquals(0, a.waitFor(), "the server ends after its connections");
    }

    @Test
    void aPublishedPortAnswersOn127001AndNowhereElse() throws Exception {
        Container c = t.start(bridge("/probe", "tcp-echo", "serve", "0.0.0.0", "7000", "1", "30").publish(new PortMapping(18181, 7000)));
        waitForListening(t.root().resolve("log"));
        for (InetAddress other : nonLoopbackAddresses()) {
            assertThrows(IOException.class, () -> new Socket().connect(new InetSocketAddress(other, 18181), 1000), "answered on " + other);
        }
        try (Socket s = new Socket("127.0.0.1", 18181)) {
            s.getOutputStream().write('x');
            assertEquals('x', s.getInputStream().read());
        }
        c.kill(9);
        c.waitFor();
    }

    @Test
    void aConnectionThePortProxyCannotRelayIsClosedAndItsLogSaysWhy() throws Exception {
        Container c = t.start(bridge("/probe", "sleep", "30").publish(new PortMapping(18183, 7000))); // nothing listens on 7000
        try (Socket s = new Socket("127.0.0.1", 18183)) {
            s.setSoTimeout(10_000);
            assertEquals(-1, s.getInputStream().read(), "the proxy closes what it cannot relay");
        }
        String log = Files.readString(c.dir().proxyLog());
        assertTrue(log.contains("127.0.0.1:18183: cannot connect to 10.88.") && log.contains(":7000: Connection refused"), log);
        c.kill(9);
        c.waitFor();
    }

    @Test
    void aTakenPortAndAnExhaustedPoolAreRefusedWithNothingLeft() throws Exception {
        try (ServerSocket taken = new ServerSocket(18182, 1, InetAddress.getLoopbackAddress())) {
            EngineException e = assertThrows(EngineException.class, () -> t.engine().create(bridge("/probe", "true")
                    .publish(new PortMapping(18182, 80)).build()));
            assertTrue(e.getMessage().contains("127.0.0.1:18182") && e.getMessage().contains("choose another host port"), e.getMessage());
        }
        t.assertNoLeftovers();
        Path dir = Files.createTempDirectory("isobench-leases-");
        try {
            dev.isobench.engine.net.Leases small = newLeases(dir, 2, 3);
            small.allocate(new dev.isobench.engine.net.Leases.Lease("a", "a", "a", "/r"));
            small.allocate(new dev.isobench.engine.net.Leases.Lease("b", "b", "b", "/r"));
            EngineException e = assertThrows(EngineException.class, () -> small.allocate(new dev.isobench.engine.net.Leases.Lease("c", "c", "c", "/r")));
            assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
        } finally {
            dev.isobench.engine.files.SafeDelete.tree(dir);
        }
    }

    @Test
    void aBridgeNameInUseBySomethingElseIsRefusedAndLeftAlone() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Bridge.exists(),
                Bridge.NAME + " exists (containers of another isobench root use it): the name cannot be taken for this test");
        run("ip", "link", "add", Bridge.NAME, "type", "bridge"); // someone else's: no isobench alias
        try {
            EngineException e = assertThrows(EngineException.class, () -> t.engine().create(bridge("/probe", "true").build()));
            assertTrue(e.getMessage().contains("isobench did not make it"), e.getMessage());
            assertTrue(Bridge.exists(), "the foreign link is not deleted");
        } finally {
            run("ip", "link", "del", Bridge.NAME);
        }
        t.assertNoLeftovers();
    }

    @Test
    void joiningAnotherContainersNetworkAndExtraHosts() {
        Container a = server("net-j", 7000, 1);
        TestEngine.Result joined = t.run(ContainerSpec.builder().joinNetwork("net-j").command("/probe", "tcp-echo", "ping", "127.0.0.1", "7000", "2"));
        assertEquals(2, joined.lines().size(), joined.stderr());
        String hosts = t.run(bridge("/probe", "cat", "/etc/hosts").addHost(new HostEntry("db.example", "192.0.2.7"))).stdout();
        assertTrue(hosts.contains("192.0.2.7\tdb.example") && hosts.contains("net-j"), hosts);
        assertEquals(List.of("lo"), t.run(ContainerSpec.builder().network(NetworkMode.NONE).command("/probe", "ls", "/sys/class/net")).lines());
        assertEquals(0, a.waitFor(), "the server ends after its connections");
    }

    @Test
    void leasesAndVethsAreFreedAfter200CreateDeleteCycles() {
        for (int i = 0; i < 200; i++) {
            Container c = t.engine().create(bridge("/probe", "true").build());
            c.delete();
        }
        t.assertNoLeftovers();
        assertFalse(Bridge.exists(), "bridge left after its last container");
    }

    private static dev.isobench.engine.net.Leases newLeases(Path dir, int first, int last) throws Exception {
        var ctor = dev.isobench.engine.net.Leases.class.getDeclaredConstructor(Path.class, int.class, int.class);
        ctor.setAccessible(true);
        return ctor.newInstance(dir, first, last);
    }

    private static List<InetAddress> nonLoopbackAddresses() throws Exception {
        List<InetAddress> all = new java.util.ArrayList<>();
        for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (var a : java.util.Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress()) all.add(a);
            }
        }
        return all;
    }

    private static void run(String... argv) throws Exception {
        assertEquals(0, new ProcessBuilder(argv).inheritIO().start().waitFor(), String.join(" ", argv));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
