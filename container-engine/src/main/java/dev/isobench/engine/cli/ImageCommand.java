package dev.isobench.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.isobench.engine.image.ImageExporter;
import dev.isobench.engine.image.ImageImporter;
import dev.isobench.engine.image.ImageRecord;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr image ...}: import, inspect, remove and prune images. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage images in the store.",
        subcommands = {ImageCommand.Import.class, ImageCommand.Save.class, ImageCommand.Inspect.class, ImageCommand.Remove.class,
                ImageCommand.Prune.class})
final class ImageCommand {
    @ParentCommand
    CtrCommand ctr;

    @Command(name = "import", mixinStandardHelpOptions = true, description = {
            "Import an OCI image layout (directory or tar) or a 'docker save' archive, gzip or not.",
            "Every digest is checked; a failed import leaves nothing in the store."})
    static final class Import implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Option(names = "--name", paramLabel = "NAME[:TAG]", description = "Name to store it under (default: the archive's own).")
        String name;

        @Option(names = "--allow-devices", description = "Keep device nodes found in layers (refused by default).")
        boolean allowDevices;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            List<ImageRecord> imported = new ImageImporter(image.ctr.engine().images().store(), allowDevices)
                    .importFrom(file, Optional.ofNullable(name));
            for (ImageRecord r : imported) System.out.println(r.id());
            return 0;
        }
    }

    @Command(name = "save", mixinStandardHelpOptions = true, description = {
            "Write an image as an OCI image layout tar, which podman load and skopeo read."})
    static final class Save implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The tar to write.")
        Path file;

        @Parameters(paramLabel = "IMAGE")
        String ref;

        @Override
        public Integer call() {
            new ImageExporter(image.ctr.engine().images().store()).save(ref, file);
            System.out.println(file);
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print an image's record as JSON.")
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Parameters(paramLabel = "IMAGE")
        String ref;

        @Override
        public Integer call() throws Exception {
            ImageRecord r = image.ctr.engine().images().store().find(ref)
                    .orElseThrow(() -> new EngineException("no such image: " + ref + " (isobench ctr images lists them)"));
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Untag images; unused images and layers are deleted.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Parameters(paramLabel = "IMAGE", arity = "1..*")
        List<String> refs;

        @Override
        public Integer call() {
            for (String ref : refs) {
                image.ctr.engine().images().store().remove(ref, image.ctr.engine().imagesInUse());
                System.out.println("untagged " + ref);
            }
            return 0;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true, description = {"Delete untagged images (with --all, every unused one) and unused layers.",
            "Also what other builds of isobench left: their built-in images and binaries. Run it while no other build uses",
            "this root."})
    static final class Prune implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;

        @Option(names = {"-a", "--all"}, description = "Also delete tagged images no container uses.")
        boolean all;

        @Override
        public Integer call() {
            var engine = image.ctr.engine();
            var inUse = engine.imagesInUse();
            List<String> removed = engine.images().store().prune(inUse, all);
            removed.forEach(id -> System.out.println("deleted " + id));
            List<String> builtins = engine.images().builtins().pruneStale(inUse);
            builtins.forEach(name -> System.out.println("deleted built-in image " + name + " (made for another build)"));
            List<String> binaries = engine.binaries().pruneOthers();
            binaries.forEach(v -> System.out.println("deleted binaries of another build " + v));
            System.out.println("prune: " + removed.size() + " image(s), " + builtins.size() + " stale built-in image(s), "
                    + binaries.size() + " stale binary set(s) deleted");
            return 0;
        }
    }
}
