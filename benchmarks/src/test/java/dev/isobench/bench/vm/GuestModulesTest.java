package dev.isobench.bench.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest's modules come in an order the kernel can load them, from depmod's modules.dep beside the kernel. */
class GuestModulesTest {
    @TempDir
    Path dir;

    @Test
    void eachModuleComesAfterWhatItNeedsAndOnlyOnce() throws Exception {
        Files.writeString(dir.resolve("vmlinuz"), "kernel");
        Files.writeString(dir.resolve("modules.version"), "6.1.0-test\n");
        Path m = Files.createDirectories(dir.resolve("lib/modules/6.1.0-test"));
        Files.writeString(m.resolve("modules.dep"), String.join("\n",
                "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko",
                "kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko",
                "kernel/fs/netfs/netfs.ko:",
                "kernel/net/9p/9pnet.ko:",
                "kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko"
                        + " kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio_ring.ko:",
                "kernel/drivers/virtio/virtio_pci_legacy_dev.ko:",
                "kernel/drivers/virtio/virtio_pci_modern_dev.ko:",
                "kernel/fs/overlayfs/overlay.ko:",
                "kernel/net/bridge/bridge.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko",
                "kernel/net/802/stp.ko: kernel/net/llc/llc.ko",
                "kernel/net/llc/llc.ko:") + "\n");
        List<String> order = GuestModules.inLoadOrder(dir.resolve("vmlinuz")).orElseThrow().stream()
                .map(p -> m.relativize(p).toString()).toList();
        assertEquals(order.size(), order.stream().distinct().count(), "each module once: " + order);
        assertTrue(order.indexOf("kernel/drivers/virtio/virtio_ring.ko") < order.indexOf("kernel/drivers/virtio/virtio.ko"));
        assertTrue(order.indexOf("kernel/drivers/virtio/virtio.ko") < order.indexOf("kernel/drivers/virtio/virtio_pci.ko"));
        assertTrue(order.indexOf("kernel/fs/netfs/netfs.ko") < order.indexOf("kernel/fs/fscache/fscache.ko"));
        assertTrue(order.indexOf("kernel/fs/fscache/fscache.ko") < order.indexOf("kernel/fs/9p/9p.ko"));
        assertTrue(order.indexOf("kernel/net/llc/llc.ko") < order.indexOf("kernel/net/802/stp.ko"));
        assertTrue(order.indexOf("kernel/net/802/stp.ko") < order.indexOf("kernel/net/bridge/bridge.ko"));
        assertTrue(!order.contains("kernel/drivers/block/virtio_blk.ko"), "veth and virtio_blk are built in here (not in modules.dep): no file");
    }

    @Test
    void aKernelWithoutModulesBesideItHasNone() throws Exception {
        Files.writeString(dir.resolve("vmlinuz"), "kernel");
        assertEquals(Optional.empty(), GuestModules.inLoadOrder(dir.resolve("vmlinuz")));
    }
}
