package dev.isobench.engine.oci;

import dev.isobench.engine.sys.CallerStdio;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import dev.isobench.engine.sys.SpawnAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a hook as the runtime-spec says: its path, argv and env, the container's state JSON on stdin, a timeout. */
final class HookRunner {
    private HookRunner() {}

    /** @throws EngineException when the hook cannot start, exits non-zero, or outlives its timeout (it is then killed) */
    static void run(Hook hook, String phase, String stateJson) {
        int[] stdin = Native.pipe();
        int pid;
        try {
            List<String> argv = hook.args().isEmpty() ? List.of(hook.path()) : hook.args();
            // No env given: the runtime's own (its caller's, when the resident engine serves the call), as runc's hooks inherit it
            List<String> env = hook.env().isEmpty() ? CallerStdio.environment() : hook.env();
            pid = Native.spawn(hook.path(), argv, List.of(SpawnAction.dup(stdin[0], 0), SpawnAction.closeFrom(3)), env);
        } catch (EngineException e) {
            Native.close(stdin[1]);
            throw new EngineException(phase + " hook " + hook.path() + " cannot start: " + e.getMessage(), e);
        } finally {
            Native.close(stdin[0]);
        }
        try {
            Native.writeFully(stdin[1], stateJson.getBytes(StandardCharsets.UTF_8));
        } catch (EngineException e) {
            // the hook did not read its stdin: its exit code says whether that mattered
        } finally {
            Native.close(stdin[1]);
        }
        int timeout = hook.timeoutSeconds();
        if (timeout > 0 && !Native.awaitExit(pid, timeout * 1000)) {
            Native.kill(pid, 9);
            Native.waitpid(pid);
            throw new EngineException(phase + " hook " + hook.path() + " timed out after " + timeout + " s (killed)");
        }
        int code = Native.exitCode(Native.waitpid(pid));
        if (code != 0) throw new EngineException(phase + " hook " + hook.path() + " failed with exit code " + code);
    }
}
