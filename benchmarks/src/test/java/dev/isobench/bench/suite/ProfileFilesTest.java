package dev.isobench.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Profiles as files: the built-in ones load, a user's file extends one, and a bad field is one line naming it. */
class ProfileFilesTest {
    @TempDir
    Path dir;

    @Test
    void theBuiltInProfilesLoadWithTheirBudgets() {
        assertEquals(300, Profile.quick().budgetSeconds());
        assertEquals(1800, Profile.full().budgetSeconds());
        assertEquals(90, Profile.tiny().budgetSeconds());
        for (String name : ProfileFiles.BUILT_IN) {
            Profile p = Profile.named(name);
            assertEquals(name, p.name());
            assertTrue(p.startup().minRuns() <= p.startup().maxRuns() && p.syscall().minTurns() <= p.syscall().maxTurns(), name);
            for (String suite : Runner.SUITES.keySet()) assertTrue(p.share(suite) > 0, name + " weighs " + suite);
        }
    }

    @Test
    void aUsersFileExtendsABuiltInOneAndGivesOnlyWhatDiffers() throws Exception {
        Path file = write("{\"extends\": \"quick\", \"name\": \"mine\", \"budget_seconds\": 60, \"syscall\": {\"ops\": [\"getpid\"]}}");
        Profile p = Profile.named(file.toString());
        assertEquals("mine", p.name());
        assertEquals(60, p.budgetSeconds());
        assertEquals(java.util.List.of("getpid"), p.syscall().ops());
        assertEquals(Profile.quick().syscall().minTurns(), p.syscall().minTurns(), "the rest of the section from quick");
        assertEquals(Profile.quick().startup(), p.startup());
        JsonNode json = ProfileFiles.toJson(p);
        assertEquals(60, json.path("budget_seconds").asInt(), "kept in the manifest as the file has it: " + json);
        assertEquals("getpid", json.path("syscall").path("ops").path(0).asText());
    }

    @Test
    void aFieldOutOfRangeNamesTheFileTheFieldAndItsRange() throws Exception {
        Path file = write("{\"extends\": \"quick\", \"startup\": {\"min_runs\": 0}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profile.named(file.toString()));
        assertEquals("profile " + file + ": startup.min_runs must be 3 to 100000, got 0", e.getMessage());
        Path minOverMax = write("{\"extends\": \"quick\", \"syscall\": {\"min_turns\": 20, \"max_turns\": 4}}");
        e = assertThrows(IllegalArgumentException.class, () -> Profile.named(minOverMax.toString()));
        assertEquals("profile " + minOverMax + ": syscall.max_turns must be 20 to 1000, got 4", e.getMessage());
        Path variants = write("{\"extends\": \"quick\", \"app\": {\"clients\": [1, 4], \"variant_clients\": 16}}");
        e = assertThrows(IllegalArgumentException.class, () -> Profile.named(variants.toString()));
        assertEquals("profile " + variants + ": app.variant_clients must be one of app.clients [1, 4], got 16", e.getMessage());
    }

    @Test
    void anUnknownFieldAMissingOneAndAWrongTypeAreNamed() throws Exception {
        Path unknown = write("{\"extends\": \"tiny\", \"startup\": {\"min_run\": 5}}");
        String m = assertThrows(IllegalArgumentException.class, () -> Profile.named(unknown.toString())).getMessage();
        assertTrue(m.startsWith("profile " + unknown + ": unknown field startup.min_run (fields here: ") && m.contains("min_runs"), m);
        Path missing = write("{\"name\": \"bare\", \"budget_seconds\": 60}");
        m = assertThrows(IllegalArgumentException.class, () -> Profile.named(missing.toString())).getMessage();
        assertTrue(m.startsWith("profile " + missing + ": ") && m.contains("precision"), "the first missing field is named: " + m);
        Path wrong = write("{\"extends\": \"tiny\", \"budget_seconds\": \"soon\"}");
        m = assertThrows(IllegalArgumentException.class, () -> Profile.named(wrong.toString())).getMessage();
        assertTrue(m.startsWith("profile " + wrong + ": budget_seconds: "), m);
        Path notJson = write("{budget: 1");
        m = assertThrows(IllegalArgumentException.class, () -> Profile.named(notJson.toString())).getMessage();
        assertTrue(m.startsWith("profile " + notJson + ": not JSON: "), m);
    }

    @Test
    void aNameThatIsNeitherBuiltInNorAFileSaysWhatItMayBe() {
        String m = assertThrows(IllegalArgumentException.class, () -> Profile.named("quik")).getMessage();
        assertEquals("--profile: 'quik' is neither quick, full, tiny nor a profile file (see docs/profiles.md)", m);
    }

    private Path write(String json) throws Exception {
        Path f = Files.createTempFile(dir, "profile", ".json");
        Files.writeString(f, json);
        return f;
    }
}
