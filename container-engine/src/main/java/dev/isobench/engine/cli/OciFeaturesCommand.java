package dev.isobench.engine.cli;

import dev.isobench.engine.oci.RuntimeFeatures;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "features", description = "What this runtime supports, as runc's features JSON.")
final class OciFeaturesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(RuntimeFeatures.json());
        return 0;
    }
}
