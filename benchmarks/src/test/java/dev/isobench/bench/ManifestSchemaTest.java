package dev.isobench.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * docs/manifest.schema.json holds a real manifest (a kept quick run's) and refuses broken ones: the check the
 * real runs are put to (RunnerTest, FleetIT) can fail. Runs as any user.
 */
class ManifestSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURE = Path.of("../reports/src/test/resources/fixtures/run-a/manifest.json");

    @Test
    void aKeptRunsManifestConforms() throws Exception {
        assertEquals(List.of(), DocumentedFormats.manifestErrors(Files.readString(FIXTURE)));
    }

    @Test
    void brokenManifestsAreRefusedWithTheirPlace() throws Exception {
        assertRefused(m -> ((ObjectNode) m.path("host")).put("cores", 0), "/host/cores");
        assertRefused(m -> ((ObjectNode) m.path("host")).remove("kernel"), "kernel");
        assertRefused(m -> m.put("format", 2), "/format");
        assertRefused(m -> m.put("finished_early", true), "finished_early");
        assertRefused(m -> ((ObjectNode) m.path("run")).put("git_commit", "HEAD"), "/run/git_commit");
        assertRefused(m -> ((ObjectNode) m.path("run")).put("suites", "startup,everything"), "/run/suites");
        assertRefused(m -> ((ObjectNode) m.path("targets")).putObject("runc"), "/targets/runc");
    }

    private static void assertRefused(Consumer<ObjectNode> breakIt, String where) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(FIXTURE.toFile());
        breakIt.accept(m);
        List<String> errors = DocumentedFormats.manifestErrors(JSON.writeValueAsString(m));
        assertTrue(errors.stream().anyMatch(e -> e.contains(where)), "refused at " + where + ": " + errors);
    }
}
