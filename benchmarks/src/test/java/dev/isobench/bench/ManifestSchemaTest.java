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

    /** The built-in profiles' files are whole profiles as the schema's profileFile has them; a broken one is refused. */
    @Test
    void theBuiltInProfileFilesConformAndABrokenOneIsRefused() throws Exception {
        for (String name : List.of("quick", "full", "tiny")) {
            String text = Files.readString(Path.of("src/main/resources/dev/isobench/bench/profiles/" + name + ".json"));
            assertEquals(List.of(), DocumentedFormats.profileErrors(text), name);
        }
        ObjectNode p = (ObjectNode) JSON.readTree(Path.of("src/main/resources/dev/isobench/bench/profiles/quick.json").toFile());
        ((ObjectNode) p.path("startup")).put("min_runs", 1);
        List<String> errors = DocumentedFormats.profileErrors(JSON.writeValueAsString(p));
        assertTrue(errors.stream().anyMatch(e -> e.contains("/startup/min_runs")), errors.toString());
        p.remove("jmh");
        assertTrue(DocumentedFormats.profileErrors(JSON.writeValueAsString(p)).stream().anyMatch(e -> e.contains("jmh")));
    }

    private static void assertRefused(Consumer<ObjectNode> breakIt, String where) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(FIXTURE.toFile());
        breakIt.accept(m);
        List<String> errors = DocumentedFormats.manifestErrors(JSON.writeValueAsString(m));
        assertTrue(errors.stream().anyMatch(e -> e.contains(where)), "refused at " + where + ": " + errors);
    }
}
