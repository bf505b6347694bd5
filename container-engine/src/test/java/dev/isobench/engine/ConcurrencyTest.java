package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many containers created, run and deleted at once by one engine: no error, no leftover (the storm's load). */
@Tag("integration")
class ConcurrencyTest {
    @RegisterExtension
    final TestEngine t = new TestEngine();

    @Test
    void eightInFlightCreateRunAndDeleteCleanly() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            results.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 8; i++) {
                    java.nio.file.Path out = t.root().resolve("out-" + Thread.currentThread().getId() + "-" + i);
                    Container c = t.engine().create(ContainerSpec.builder().command("/probe", "true").stdio(Stdio.toFiles(out, out)).build());
                    c.start();
                    if (c.waitFor() == 0) ok++;
                    c.delete();
                }
                return ok;
            }));
        }
        int ok = 0;
        for (Future<Integer> f : results) ok += f.get();
        pool.shutdown();
        assertEquals(64, ok);
        t.assertNoLeftovers();
    }

    @Test
    void twoHandsOnOneContainerGetOneWinnerAndAClearErrorForTheOther() throws Exception {
        java.nio.file.Path log = t.root().resolve("log");
        Container c = t.engine().create(ContainerSpec.builder().command("/probe", "sleep", "30").stdio(Stdio.toFiles(log, log)).detached(true).build());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            starts.add(pool.submit(() -> {
                try {
                    t.engine().get(c.id()).start();
                    return "started";
                } catch (EngineException e) {
                    return e.getMessage();
                }
            }));
        }
        List<String> said = new ArrayList<>();
        for (Future<String> f : starts) said.add(f.get());
        assertEquals(1, said.stream().filter("started"::equals).count(), said.toString());
        said.stream().filter(m -> !m.equals("started")).forEach(m -> org.junit.jupiter.api.Assertions.assertTrue(
                m.contains("only a created container can be started"), m));
        List<Future<?>> deletes = new ArrayList<>();
        for (int i = 0; i < 4; i++) deletes.add(pool.submit(() -> t.engine().get(c.id()).delete()));
        for (Future<?> f : deletes) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) { // a late get() finds no such container: that is the clear error
                org.junit.jupiter.api.Assertions.assertTrue(e.getCause().getMessage().contains("no such container"), e.getCause().getMessage());
            }
        }
        pool.shutdown();
        t.assertNoLeftovers();
    }
}
