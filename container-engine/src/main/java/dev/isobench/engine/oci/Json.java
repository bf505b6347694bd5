package dev.isobench.engine.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isobench.engine.sys.EngineException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict reading of config.json nodes: every field is either read or, when the engine cannot honour it, refused
 * with its path ({@code linux.resources.hugepageLimits}); a field that is absent, null, false, zero or empty asks
 * for nothing and passes.
 */
final class Json {
    private Json() {}

    static EngineException error(String path, String problem) {
        return new EngineException("config.json: " + path + ": " + problem);
    }

    /** Refuses the fields of {@code node} outside {@code known} that ask for something. */
    /**
     * Fields the runtime spec defines (1.2) that the engine does not honour, by where they sit: asking for one is an
     * error, as the spec wants for unsupported values. A field the spec does not define is ignored, as it wants too
     * ("MUST NOT generate an error if they encounter an unknown property").
     */
    private static final Map<String, Set<String>> DEFINED_NOT_HONOURED = Map.of(
            "mounts[]", Set.of("uidMappings", "gidMappings"),
            "process", Set.of("scheduler", "ioPriority", "execCPUAffinity", "commandLine"),
            "linux", Set.of("memoryPolicy", "netDevices"),
            "resources", Set.of("hugepageLimits", "network", "rdma", "unified"),
            "resources.cpu", Set.of("burst"),
            "resources.blockIO", Set.of("weight", "leafWeight", "weightDevice", "throttleReadIOPSDevice", "throttleWriteIOPSDevice"));

    /** Checks an object's fields: one the spec defines and the engine does not honour is refused by name; unknown ones are ignored. */
    static void only(JsonNode node, String path, Set<String> known) {
        if (node == null || node.isMissingNode() || node.isNull()) return;
        if (!node.isObject()) throw error(path, "must be an object, got " + node.getNodeType().name().toLowerCase());
        Set<String> unhonoured = DEFINED_NOT_HONOURED.getOrDefault(path.replaceAll("\\[\\d+]", "[]").replaceFirst("^linux\\.resources", "resources"), Set.of());
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!known.contains(f.getKey()) && unhonoured.contains(f.getKey()) && asksForSomething(f.getValue())) {
                throw error(join(path, f.getKey()), "not supported by the isobench engine");
            }
        }
    }

    /** Refuses a known field the engine cannot honour, when it asks for something. */
    static void unsupported(JsonNode node, String path, String field, String why) {
        if (node != null && asksForSomething(node.path(field))) throw error(join(path, field), why);
    }

    static boolean asksForSomething(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) return false;
        if (v.isBoolean()) return v.asBoolean();
        if (v.isNumber()) return v.asDouble() != 0;
        if (v.isTextual()) return !v.asText().isEmpty();
        if (v.isContainerNode()) return v.size() > 0;
        return true;
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static String text(JsonNode node, String path, String field, String otherwise) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) return otherwise;
        if (!v.isTextual()) throw error(join(path, field), "must be a string");
        return v.asText();
    }

    static String requiredText(JsonNode node, String path, String field) {
        String v = text(node, path, field, null);
        if (v == null || v.isEmpty()) throw error(join(path, field), "is required");
        return v;
    }

    static List<String> strings(JsonNode node, String path, String field) {
        JsonNode v = node.path(field);
        List<String> out = new ArrayList<>();
        if (v.isMissingNode() || v.isNull()) return out;
        if (!v.isArray()) throw error(join(path, field), "must be an array of strings");
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) throw error(join(path, field) + "[" + i + "]", "must be a string");
            out.add(v.get(i).asText());
        }
        return out;
    }

    static List<JsonNode> objects(JsonNode node, String path, String field) {
        JsonNode v = node.path(field);
        List<JsonNode> out = new ArrayList<>();
        if (v.isMissingNode() || v.isNull()) return out;
        if (!v.isArray()) throw error(join(path, field), "must be an array");
        for (JsonNode e : v) out.add(e);
        return out;
    }

    /** An integer field; {@code null} when absent. */
    static Long number(JsonNode node, String path, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) return null;
        if (!v.isIntegralNumber()) throw error(join(path, field), "must be an integer, got " + v);
        return v.asLong();
    }

    static boolean bool(JsonNode node, String path, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) return false;
        if (!v.isBoolean()) throw error(join(path, field), "must be true or false");
        return v.asBoolean();
    }
}
