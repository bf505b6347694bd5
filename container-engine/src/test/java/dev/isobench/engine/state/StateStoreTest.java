package dev.isobench.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.spec.Namespace;
import dev.isobench.engine.spec.RootfsMode;
import dev.isobench.engine.spec.Seccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path root;

    private static StateRecord record(String id, String status) {
        StateRecord.Config config = new StateRecord.Config(id, "probe", "img", List.of("/probe", "true"), List.of(), "/", 0, 0, id,
                List.of(Namespace.MOUNT), RootfsMode.OVERLAY, false, true, Seccomp.DEFAULT, List.of(), List.of(), false, null, false, "none",
                List.of(), List.of(), null);
        return new StateRecord(id, config, "", List.of(), status, 1, 2, 3, 4, 5, 6, 7L);
    }

    @Test
    void aWriteByAnotherProcessIsSeenThoughThisOneWroteTheFileBefore() {
        StateStore mine = new StateStore(root);
        StateStore other = new StateStore(root); // another process: its own memory of what it wrote
        ContainerDir dir = mine.allocate(Optional.empty());
        mine.write(dir, record(dir.id(), "created"));
        assertEquals("created", mine.read(dir).orElseThrow().status());
        other.write(dir, record(dir.id(), "running"));
        assertEquals("running", mine.read(dir).orElseThrow().status());
        assertEquals("running", other.read(dir).orElseThrow().status());
    }

    @Test
    void aFileEditedInPlaceIsParsedAgain() throws Exception {
        StateStore store = new StateStore(root);
        ContainerDir dir = store.allocate(Optional.empty());
        store.write(dir, record(dir.id(), "created"));
        String json = Files.readString(dir.state()).replace("\"created\"", "\"exited\" ");
        Files.writeString(dir.state(), json);
        assertEquals("exited", store.read(dir).orElseThrow().status());
    }

    @Test
    void aRemovedContainerHasNoRecord() {
        StateStore store = new StateStore(root);
        ContainerDir dir = store.allocate(Optional.empty());
        store.write(dir, record(dir.id(), "created"));
        store.remove(dir, dir.id());
        assertEquals(Optional.empty(), store.read(dir));
    }

    @Test
    void aRetiredContainerIsOutOfTheStoreAndItsNameFreeWhileItsFilesWaitInTrash() {
        StateStore store = new StateStore(root);
        ContainerDir dir = store.allocate(Optional.of("web"));
        store.write(dir, record(dir.id(), "exited"));
        Path retired = store.retire(dir, "web");
        assertEquals(List.of(), store.list());
        assertEquals(Optional.empty(), store.find("web"));
        assertEquals(List.of(retired), store.retired());
        assertTrue(Files.isRegularFile(retired.resolve("state.json")), "the files wait for the reaper");
        ContainerDir again = store.allocate(Optional.of("web")); // the name is free at once
        assertEquals(Optional.of(again), store.find("web"));
    }
}
