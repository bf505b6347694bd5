package dev.isobench.engine.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeReplaceTest {
    @TempDir
    Path dir;

    @Test
    void putsTheNewFileInPlaceOfAnExistingOneAndLeavesNoTemporary() throws Exception {
        Path target = dir.resolve("state.json");
        Path tmp = dir.resolve("state.json.tmp");
        Files.writeString(target, "old");
        Files.writeString(tmp, "new");

        Native.replace(tmp.toString(), target.toString());

        assertEquals("new", Files.readString(target));
        assertFalse(Files.exists(tmp), "the swapped-out old file is removed");
    }

    @Test
    void movesTheFileWhereNoTargetExistsYet() throws Exception {
        Path target = dir.resolve("state.json");
        Path tmp = dir.resolve("state.json.tmp");
        Files.writeString(tmp, "first");

        Native.replace(tmp.toString(), target.toString());

        assertEquals("first", Files.readString(target));
        assertFalse(Files.exists(tmp));
    }

    @Test
    void aMissingSourceIsAnErrorThatNamesIt() {
        EngineException e = assertThrows(EngineException.class,
                () -> Native.replace(dir.resolve("absent").toString(), dir.resolve("state.json").toString()));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }
}
