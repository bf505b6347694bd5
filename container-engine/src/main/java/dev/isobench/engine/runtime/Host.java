package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupDriver;
import dev.isobench.engine.image.Images;

/** What one engine instance works with on this host: its state, cgroups, binaries and images. */
public record Host(StateStore store, CgroupDriver cgroups, NativeBinaries binaries, Images images,
                   dev.isobench.engine.net.BridgeNetwork network) {}
