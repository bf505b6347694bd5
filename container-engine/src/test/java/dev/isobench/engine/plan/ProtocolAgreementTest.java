package dev.isobench.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Java side and the C stage and client must agree on is defined twice, in Java and in protocol.h (the C
 * side's one header; frames.c writes and reads the frames for both C programs): this keeps them identical.
 */
class ProtocolAgreementTest {
    @Test
    void javaAndCDefineTheSameFrameCodes() throws Exception {
        String header = Files.readString(Path.of("src/main/c/protocol.h"));
        Map<String, Integer> c = new TreeMap<>();
        Matcher m = Pattern.compile("#define ((?:OP|ST|RQ)_[A-Z_]+) (\\d+)").matcher(header);
        while (m.find()) c.put(m.group(1), Integer.parseInt(m.group(2)));
        Map<String, Integer> java = new TreeMap<>();
        for (Op op : Op.values()) java.put(op.cName(), op.code());
        assertEquals(java, c);
    }

    @Test
    void frameSizeFdsAndExitCodesAgree() throws Exception {
        String header = Files.readString(Path.of("src/main/c/protocol.h"));
        Map<String, Integer> c = new TreeMap<>();
        Matcher m = Pattern.compile("#define ((?:FRAME_MAX|PLAN_FD|STATUS_FD|EXIT_[A-Z_]+)) (\\d+)").matcher(header);
        while (m.find()) c.put(m.group(1), Integer.parseInt(m.group(2)));
        assertEquals(new TreeMap<>(Map.of("FRAME_MAX", Frames.FRAME_MAX, "PLAN_FD", Frames.PLAN_FD, "STATUS_FD", Frames.STATUS_FD,
                "EXIT_SETUP_FAILED", Frames.EXIT_SETUP_FAILED, "EXIT_NOT_EXECUTABLE", Frames.EXIT_NOT_EXECUTABLE,
                "EXIT_NOT_FOUND", Frames.EXIT_NOT_FOUND)), c);
    }

    /** The stage's step names come from its own table only (op_name), one name for every plan op Java sends. */
    @Test
    void everyPlanOpHasItsNameInTheStage() throws Exception {
        String plan = Files.readString(Path.of("src/main/c/init_plan.c"));
        for (Op op : Op.values()) {
            if (!op.cName().startsWith("OP_") || op.cName().equals("OP_END")) continue;
            assertTrue(plan.contains("case " + op.cName() + ": return \""), op.cName() + " has a name in op_name");
        }
    }

    /** The socket a client looks for is the one the engine listens on: protocol.h's hash, compiled, against Java's. */
    @Test
    void theResidentEnginesSocketNameAgrees(@TempDir Path dir) throws Exception {
        Path cc = Path.of("/usr/bin/cc");
        assumeTrue(Files.isExecutable(cc), "needs a C compiler (the engine's build has one)");
        Path src = dir.resolve("hash.c");
        Files.writeString(src, "#include <stdio.h>\n#include \"protocol.h\"\nint main(int c, char **v) { (void)c;"
                + " printf(ENGINE_SOCKET_FORMAT, isobench_root_hash(v[1])); return 0; }\n");
        Path bin = dir.resolve("hash");
        Process build = new ProcessBuilder(cc.toString(), "-I", Path.of("src/main/c").toAbsolutePath().toString(), "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(build.getInputStream().readAllBytes());
        assertEquals(0, build.waitFor(), out);
        Path root = Files.createDirectories(dir.resolve("a root with a long name ").resolve("é"));
        Process run = new ProcessBuilder(bin.toString(), root.toRealPath().toString()).start();
        String socket = new String(run.getInputStream().readAllBytes());
        assertEquals(0, run.waitFor());
        assertEquals(dev.isobench.engine.state.ResidentEngineFiles.socketFor(root).toString(), socket);
    }
}
