package dev.isobench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many containers created, run and deleted at once by one engine: no error, no leftover (the storm's load). */
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
}
