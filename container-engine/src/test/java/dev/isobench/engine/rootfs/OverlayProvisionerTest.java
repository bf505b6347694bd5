package dev.isobench.engine.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isobench.engine.plan.Op;
import dev.isobench.engine.plan.Step;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayProvisionerTest {
    private static List<Path> layers(int n) {
        List<Path> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(Path.of("/var/lib/isobench/l/" + String.format("%016x", i)));
        return l;
    }

    @Test
    void fewLayersMountWithAbsolutePaths() {
        List<Step> s = OverlayProvisioner.mountSteps(layers(3), Path.of("/u"), Path.of("/w"), Path.of("/r"));
        assertEquals(1, s.size());
        assertTrue(s.get(0).args().get(4).startsWith("lowerdir=/var/lib/isobench/l/0000000000000000:"));
    }

    @Test
    void manyLayersMountRelativeToTheirCommonDirectory() {
        List<Step> s = OverlayProvisioner.mountSteps(layers(120), Path.of("/u"), Path.of("/w"), Path.of("/r"));
        assertEquals(Step.of(Op.CHDIR, "/var/lib/isobench/l"), s.get(0));
        String options = s.get(1).args().get(4);
        assertTrue(options.startsWith("lowerdir=0000000000000000:0000000000000001:"), options);
        assertTrue(options.length() <= OverlayProvisioner.MAX_OPTIONS);
    }

    @Test
    void tooManyLayersAreRefusedWithTheWayOut() {
        EngineException e = assertThrows(EngineException.class,
                () -> OverlayProvisioner.mountSteps(layers(400), Path.of("/u"), Path.of("/w"), Path.of("/r")));
        assertTrue(e.getMessage().contains("--rootfs copy"), e.getMessage());
    }

    @Test
    void kernelReleasesCompareByMajorThenMinor() {
        assertTrue(OverlayProvisioner.kernelAtLeast("5.10.0-28-amd64", 5, 10));
        assertTrue(OverlayProvisioner.kernelAtLeast("6.1.0", 5, 10));
        assertTrue(OverlayProvisioner.kernelAtLeast("5.15", 5, 10));
        assertFalse(OverlayProvisioner.kernelAtLeast("5.4.0-150-generic", 5, 10));
        assertFalse(OverlayProvisioner.kernelAtLeast("4.19.0", 5, 10));
        assertFalse(OverlayProvisioner.kernelAtLeast("unknown", 5, 10));
    }

    @Test
    void onlyAContainerThatIsRemovedAtExitGetsAVolatileOverlay() {
        assertEquals("", new OverlayProvisioner(false, false).options());
        assertEquals(",volatile", new OverlayProvisioner(false, true).options());
        assertEquals(",userxattr,volatile", new OverlayProvisioner(true, true).options());
        String opts = OverlayProvisioner.mountSteps(layers(2), Path.of("/u"), Path.of("/w"), Path.of("/r"), ",volatile").get(0).args().get(4);
        assertTrue(opts.endsWith(",upperdir=/u,workdir=/w,volatile"), opts);
    }
}
