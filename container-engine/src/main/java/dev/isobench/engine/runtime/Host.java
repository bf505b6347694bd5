package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupDriver;
import dev.isobench.engine.files.NativeBinaries;
import dev.isobench.engine.image.Images;
import dev.isobench.engine.net.BridgeNetwork;
import dev.isobench.engine.state.StateStore;

/** What one engine instance works with on this host: its state, cgroups, binaries and images. */
public record Host(StateStore store, CgroupDriver cgroups, NativeBinaries binaries, Images images,
                   BridgeNetwork network) {}
