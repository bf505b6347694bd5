package dev.isobench.engine.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isobench.engine.spec.Capabilities;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.Rlimit;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Seccomp;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json as real clients write it maps onto the spec; what the engine cannot honour is refused by its path. */
class ConfigReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path bundle;
    private ObjectNode config;

    @BeforeEach
    void example() throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        config = (ObjectNode) JSON.readTree(RuntimeFeatures.exampleConfig());
    }

    private Bundle read() throws IOException {
        Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config));
        return ConfigReader.read(bundle, "c1", Optional.empty(), false);
    }

    private String refused() {
        return assertThrows(EngineException.class, this::read).getMessage();
    }

    @Test
    void theExampleBecomesAnInPlaceHandedOffContainer() throws IOException {
        ContainerSpec spec = read().spec();
        assertEquals("c1", spec.name().orElseThrow());
        assertEquals(RootfsMode.IN_PLACE, spec.rootfs());
        assertEquals(bundle.resolve("rootfs").toString(), spec.image());
        assertTrue(spec.handOff() && spec.detached() && spec.readOnly());
        assertEquals(List.of("/probe", "true"), spec.command());
        assertEquals("isobench", spec.hostname().orElseThrow());
        assertTrue(spec.namespaces().containsAll(List.of(Namespace.PID, Namespace.NET, Namespace.IPC, Namespace.UTS, Namespace.MOUNT, Namespace.CGROUP)));
        assertEquals(Seccomp.UNCONFINED, spec.seccomp(), "no linux.seccomp: no filter, as runc");
        assertEquals(7, spec.filesystem().mounts().orElseThrow().size());
        assertEquals(List.of(new Rlimit(7, 1024, 1024)), spec.process().rlimits());
        assertTrue(spec.process().noNewPrivileges() && spec.process().exactEnvironment());
        long expected = Capabilities.mask(List.of("AUDIT_WRITE", "KILL", "NET_BIND_SERVICE"));
        assertEquals(expected, spec.process().capabilities().orElseThrow().bounding());
        assertEquals(0, spec.process().capabilities().orElseThrow().inheritable(), "a set left out is empty");
    }

    @Test
    void namespacesLeftOutAreTheHostsAndOnesWithAPathAreJoined() throws IOException {
        ArrayNode ns = ((ObjectNode) config.get("linux")).putArray("namespaces");
        ns.addObject().put("type", "mount");
        ns.addObject().put("type", "network").put("path", "/proc/self/ns/net");
        ContainerSpec spec = read().spec();
        assertEquals(java.util.Set.of(Namespace.MOUNT), spec.namespaces());
        assertEquals("/proc/self/ns/net", spec.joined().get(Namespace.NET));
        assertFalse(spec.network().ownNamespace());
    }

    @Test
    void resourcesBecomeLimits() throws IOException {
        ObjectNode r = ((ObjectNode) config.get("linux")).putObject("resources");
        r.putObject("memory").put("limit", 67108864).put("swap", 134217728);
        r.putObject("cpu").put("quota", 50000).put("period", 100000).put("shares", 512).put("cpus", "0");
        r.putObject("pids").put("limit", 100);
        ContainerSpec spec = read().spec();
        assertEquals(67108864, spec.limits().memory().getAsLong());
        assertEquals(134217728, spec.limits().memorySwap().getAsLong());
        assertEquals(0.5, spec.limits().cpu().orElseThrow().cpus());
        assertEquals(512, spec.limits().cpuShares().getAsLong());
        assertEquals("0", spec.limits().cpusetCpus().orElseThrow());
        assertEquals(100, spec.limits().pids().getAsLong());
    }

    @Test
    void deviceRulesBeyondTheDefaultListAreKeptInOrder() throws IOException {
        ArrayNode rules = ((ObjectNode) config.get("linux").get("resources")).putArray("devices");
        rules.addObject().put("allow", false).put("access", "rwm");
        rules.addObject().put("allow", true).put("type", "c").put("major", 1).put("minor", 5).put("access", "rwm");
        rules.addObject().put("allow", false).put("type", "c").put("major", 10).put("minor", 229).put("access", "rwm");
        assertFalse(read().spec().privileged());
        assertEquals(List.of(new dev.isobench.engine.spec.DeviceRule(false, "c 10:229 rwm")), read().spec().limits().deviceRules(),
                "Docker's deny-all and its default allows add nothing; its fuse deny stays");
        rules.addObject().put("allow", true).put("type", "c").put("major", 10).put("minor", 200).put("access", "rwm");
        assertEquals(2, read().spec().limits().deviceRules().size());
        rules.addObject().put("allow", true).put("type", "c").put("major", 10).put("minor", 200).put("access", "rwx");
        assertTrue(refused().contains("linux.resources.devices[4]"));
    }

    @Test
    void aMissingConfigIsNamed() throws IOException {
        String message = assertThrows(EngineException.class, () -> ConfigReader.read(bundle, "c1", Optional.empty(), false)).getMessage();
        assertTrue(message.contains("has no config.json"), message);
    }

    @Test
    void malformedJsonIsNamedWithItsLine() throws IOException {
        Files.writeString(bundle.resolve("config.json"), "{\n \"ociVersion\": \"1.0.2\",\n oops }");
        String message = assertThrows(EngineException.class, () -> ConfigReader.read(bundle, "c1", Optional.empty(), false)).getMessage();
        assertTrue(message.contains("not valid JSON") && message.contains("line 3"), message);
    }

    @Test
    void anotherMajorVersionIsRefused() throws IOException {
        config.put("ociVersion", "2.0.0");
        assertTrue(refused().contains("ociVersion: '2.0.0' is not a 1.x runtime spec"));
    }

    @Test
    void aMissingRootfsIsNamed() throws IOException {
        ((ObjectNode) config.get("root")).put("path", "nowhere");
        assertTrue(refused().contains("root.path: " + bundle.resolve("nowhere") + " does not exist"));
    }

    @Test
    void fieldsTheEngineCannotHonourAreRefusedByPath() throws IOException {
        ((ObjectNode) config.get("linux").get("resources")).putArray("hugepageLimits").addObject().put("pageSize", "2MB").put("limit", 1);
        assertEquals("config.json: linux.resources.hugepageLimits: not supported by the isobench engine", refused());
        ((ObjectNode) config.get("linux").get("resources")).remove("hugepageLimits");
        config.putObject("hooks").putArray("createContainer").addObject().put("path", "/bin/true");
        assertTrue(refused().contains("hooks.createContainer"));
        config.remove("hooks");
        ((ObjectNode) config.get("process")).put("apparmorProfile", "docker-default");
        assertTrue(refused().contains("process.apparmorProfile"));
        ((ObjectNode) config.get("process")).put("apparmorProfile", "");
        read(); // an empty value asks for nothing
    }

    @Test
    void aSysctlMustBelongToANamespaceOfTheContainersOwn() throws IOException {
        ((ObjectNode) config.get("linux")).putObject("sysctl").put("vm.swappiness", "10");
        assertTrue(refused().contains("linux.sysctl.vm.swappiness: is not namespaced"), "a host-wide sysctl would change the host");
        ((ObjectNode) config.get("linux")).putObject("sysctl").put("net.ipv4.ping_group_range", "0 0");
        read(); // the example has a network namespace of its own
        ArrayNode ns = ((ObjectNode) config.get("linux")).putArray("namespaces");
        ns.addObject().put("type", "mount");
        assertTrue(refused().contains("needs a net namespace of the container's own"));
    }

    /** A namespace file of another type than its entry declares is an error naming both (setns would refuse it late). */
    @Test
    void aNamespacePathOfTheWrongTypeIsRefusedByName() throws IOException {
        ArrayNode ns = ((ObjectNode) config.get("linux")).putArray("namespaces");
        ns.addObject().put("type", "mount");
        ns.addObject().put("type", "cgroup").put("path", "/proc/self/ns/ipc");
        String refused = refused();
        assertTrue(refused.contains("linux.namespaces[1].path") && refused.contains("/proc/self/ns/ipc is an ipc namespace, not the cgroup namespace"),
                refused);
        ((ObjectNode) ns.get(1)).put("path", "/etc/hostname");
        assertTrue(refused().contains("/etc/hostname is not a namespace file"));
    }

    /** cpuset.mems is a limit like cpuset.cpus; the deprecated kernel memory limits are accepted with a warning, as runc does. */
    @Test
    void memoryNodesAreALimitAndKernelMemoryIsAWarning() throws IOException {
        ObjectNode resources = ((ObjectNode) config.get("linux")).putObject("resources");
        resources.putObject("cpu").put("cpus", "0").put("mems", "0");
        resources.putObject("memory").put("limit", 64L << 20).put("kernel", 32L << 20).put("kernelTCP", 16L << 20);
        Bundle b = read();
        assertEquals(Optional.of("0"), b.spec().limits().cpusetMems());
        assertEquals(Optional.of(64L << 20), b.spec().limits().memory().stream().boxed().findFirst());
        assertTrue(b.warnings().stream().anyMatch(w -> w.startsWith("linux.resources.memory.kernel is not applied")), b.warnings().toString());
        assertTrue(b.warnings().stream().anyMatch(w -> w.startsWith("linux.resources.memory.kernelTCP is not applied")), b.warnings().toString());
    }

    @Test
    void aTerminalNeedsAConsoleSocket() throws IOException {
        ((ObjectNode) config.get("process")).put("terminal", true);
        assertTrue(refused().contains("--console-socket"));
    }

    @Test
    void withoutAMountNamespaceItIsRefused() throws IOException {
        ((ObjectNode) config.get("linux")).putArray("namespaces").addObject().put("type", "pid");
        assertTrue(refused().contains("must include a new mount namespace"));
    }

    @Test
    void hooksAreRead() throws IOException {
        ObjectNode hooks = config.putObject("hooks");
        hooks.putArray("prestart").addObject().put("path", "/bin/sh").put("timeout", 5).putArray("args").add("sh").add("-c").add("true");
        hooks.putArray("poststop").addObject().put("path", "/bin/true");
        Hooks h = read().hooks();
        assertEquals(List.of("sh", "-c", "true"), h.prestart().get(0).args());
        assertEquals(5, h.prestart().get(0).timeoutSeconds());
        assertEquals("/bin/true", h.poststop().get(0).path());
        hooks.putArray("poststart").addObject().put("path", "relative");
        assertTrue(refused().contains("hooks.poststart[0]"));
    }

    @Test
    void cgroupsPathIsKeptAsGivenAndOnlyASafeOneIsTaken() throws IOException {
        ObjectNode linux = (ObjectNode) config.get("linux");
        linux.put("cgroupsPath", "/kubepods/pod1/c1");
        assertEquals(Optional.of("/kubepods/pod1/c1"), read().spec().cgroupsPath());
        linux.put("cgroupsPath", "system.slice:docker:c1");
        Bundle systemd = read();
        assertEquals(Optional.empty(), systemd.spec().cgroupsPath(), "systemd's form: the engine's own place");
        assertTrue(systemd.warnings().stream().anyMatch(w -> w.contains("slice:prefix:name")), systemd.warnings().toString());
        linux.put("cgroupsPath", "/kubepods/../../escape");
        assertTrue(refused().contains("linux.cgroupsPath: cgroup path 'kubepods/../../escape' has an empty, '.' or '..' part"), refused());
    }

    @Test
    void idMappingsAreTakenAsGivenAndRootMustBeMapped() throws IOException {
        ObjectNode linux = (ObjectNode) config.get("linux");
        linux.withArray("namespaces").addObject().put("type", "user");
        linux.withArray("uidMappings").addObject().put("containerID", 0).put("hostID", 0).put("size", 4294967295L);
        linux.withArray("gidMappings").addObject().put("containerID", 0).put("hostID", 5000).put("size", 10);
        linux.withArray("gidMappings").addObject().put("containerID", 10).put("hostID", 9000).put("size", 5);
        var map = read().spec().userns().orElseThrow();
        assertEquals("0 0 4294967295\n", map.uidMap());
        assertEquals("0 5000 10\n10 9000 5\n", map.gidMap());
        assertEquals(9002, map.toHostGid(12));
        linux.withArray("gidMappings").removeAll().addObject().put("containerID", 1).put("hostID", 5000).put("size", 10);
        assertTrue(refused().contains("must map container id 0"), refused());
    }

    @Test
    void unknownPropertiesAreIgnoredAndPropagationIsRead() throws IOException {
        config.put("aPropertyNoSpecDefines", "x");
        ((ObjectNode) config.get("process")).putObject("vendorExtension").put("on", true);
        ((ObjectNode) config.get("linux")).put("rootfsPropagation", "rshared");
        assertEquals((1L << 20) | 16384, read().spec().filesystem().rootPropagation(), "MS_SHARED|MS_REC");
        ((ObjectNode) config.get("linux")).put("rootfsPropagation", "sideways");
        assertTrue(refused().contains("linux.rootfsPropagation: 'sideways' is none of"), refused());
    }
}
