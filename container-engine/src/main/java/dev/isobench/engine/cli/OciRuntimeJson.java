package dev.isobench.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON as the OCI verbs print it: state indented as runc does, lists compact, log lines as logrus writes them. */
final class OciRuntimeJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciRuntimeJson() {}

    static String pretty(Object value) {
        try {
            return JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String compact(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String line(String level, String message, String time) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("level", level);
        m.put("msg", message);
        m.put("time", time);
        return compact(m) + "\n";
    }
}
