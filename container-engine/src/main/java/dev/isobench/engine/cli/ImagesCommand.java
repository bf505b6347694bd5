package dev.isobench.engine.cli;

import dev.isobench.engine.image.ImageRecord;
import dev.isobench.engine.image.ImageStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code ctr images}: list the store's images. */
@Command(name = "images", mixinStandardHelpOptions = true, description = "List imported and built images (built-ins: probe, host, synthetic:SIZE).")
final class ImagesCommand implements Callable<Integer> {
    private static final String ROW = "%-40s  %-12s  %6s  %10s%n";

    @ParentCommand
    CtrCommand ctr;

    @Override
    public Integer call() {
        ImageStore store = ctr.engine().images().store();
        System.out.printf(ROW, "REFERENCE", "IMAGE ID", "LAYERS", "SIZE");
        Map<String, String> refs = store.refs();
        for (ImageRecord r : store.images()) {
            long bytes = r.layers().stream().mapToLong(store::layerBytes).sum();
            List<String> names = refs.entrySet().stream().filter(e -> e.getValue().equals(r.id())).map(Map.Entry::getKey).toList();
            for (String name : names.isEmpty() ? List.of("<none>") : names) {
                System.out.printf(ROW, name, r.shortId(), r.layers().size(), StatsCommand.bytes(bytes));
            }
        }
        return 0;
    }
}
