package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Docker JSON seccomp profiles, in the shape of Docker's own default: ERRNO by default, one long allow-list,
 * rules with arguments (clone without namespace flags), and rules that apply only with a capability.
 */
@Tag("integration")
class SeccompProfileTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    /** Every x86_64 syscall but the ones a test must see refused. */
    static String dockerShapedProfile() throws IOException {
        List<String> allowed = new ArrayList<>();
        try (InputStream in = SeccompProfileTest.class.getResourceAsStream("/dev/isobench/engine/seccomp/x86_64.txt")) {
            for (String line : new String(in.readAllBytes()).split("\n")) {
                String name = line.split(" ")[0];
                if (!List.of("mkdir", "mkdirat", "clone", "clone3", "unshare", "mount").contains(name)) allowed.add("\"" + name + "\"");
            }
        }
        return """
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
                 "syscalls": [
                  {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 99, "includes": {"caps": ["CAP_NET_ADMIN"]}},
                  {"names": [%s], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                   "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}], "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                  {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
                  {"names": ["no_such_call_here"], "action": "SCMP_ACT_ALLOW"}
                 ]}
                """.formatted(String.join(",", allowed));
    }

    private Seccomp profile() throws IOException {
        Path file = Files.writeString(t.root().resolve("profile.json"), dockerShapedProfile());
        return Seccomp.parse(file.toString());
    }

    @Test
    void aDockerShapedProfileAllowsWhatItListsAndRefusesTheRest() throws IOException {
        Seccomp s = profile();
        assertEquals(0, t.run(ContainerSpec.builder().seccomp(s).command("/probe", "true")).exitCode());
        TestEngine.Result mkdir = t.run(ContainerSpec.builder().seccomp(s).command("/probe", "mkdir", "/tmp/d"));
        assertTrue(mkdir.exitCode() != 0 && mkdir.stderr().contains("Operation not permitted"), mkdir.stderr());
        assertEquals("errno 1 Operation not permitted", t.run(ContainerSpec.builder().seccomp(s).command("/probe", "try", "clone-newuts")).stdout().trim(),
                "clone with a namespace flag fails the MASKED_EQ rule");
        assertEquals(0, t.run(ContainerSpec.builder().seccomp(s).command("/probe", "forks", "3")).exitCode(), "clone without one passes it");
        assertEquals("ok", t.run(ContainerSpec.builder().seccomp(s).command("/probe", "try", "getpid")).stdout().trim());
    }

    @Test
    void capabilityConditionsFollowTheContainersCapabilities() throws IOException {
        Seccomp s = profile();
        assertEquals("0", t.run(ContainerSpec.builder().seccomp(s).command("/probe", "ppid")).stdout().trim(), "PID 1's parent");
        String withCap = t.run(ContainerSpec.builder().seccomp(s).capAdd("NET_ADMIN").command("/probe", "ppid")).stdout().trim();
        assertTrue(withCap.equals("-99") || withCap.equals("-1"), "the rule that includes CAP_NET_ADMIN now applies: " + withCap);
    }

    @Test
    void badProfilesAreRefusedWithWhatIsWrong() throws IOException {
        assertMessage("{", "not valid JSON");
        assertMessage("{\"defaultAction\": \"SCMP_ACT_MAYBE\"}", "defaultAction 'SCMP_ACT_MAYBE' is not a seccomp action");
        assertMessage("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
                + " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_ABOUT\"}]}]}", "syscalls[0].args[0].op 'SCMP_CMP_ABOUT'");
        assertMessage("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
                + " \"args\": [{\"index\": 7, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}", "index must be 0..5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seccomp.parse("/no/such/profile.json"));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    private void assertMessage(String json, String part) throws IOException {
        Path f = Files.writeString(t.root().resolve("bad.json"), json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seccomp.parse(f.toString()));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
