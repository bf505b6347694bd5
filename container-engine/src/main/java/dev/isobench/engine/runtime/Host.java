package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupDriver;
import dev.isobench.engine.image.BuiltinImages;

/** What one engine instance works with on this host: its state, cgroups, binaries and images. */
public record Host(StateStore store, CgroupDriver cgroups, NativeBinaries binaries, BuiltinImages images) {}
