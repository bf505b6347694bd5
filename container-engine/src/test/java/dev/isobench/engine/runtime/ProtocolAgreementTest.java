package dev.isobench.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isobench.engine.plan.Frames;
import dev.isobench.engine.plan.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The frame codes are defined twice, in Java and in protocol.h; this keeps them identical. */
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
    void frameSizeAgrees() throws Exception {
        String header = Files.readString(Path.of("src/main/c/protocol.h"));
        assertEquals(true, header.contains("#define FRAME_MAX " + Frames.FRAME_MAX));
    }
}
