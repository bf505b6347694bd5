package dev.isobench.engine.sys;

import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** The bpf(2) calls a cgroup v2 device program needs: load it, attach it to a group (replacing the one there). */
public final class Bpf {
    /** bpf(2) through syscall(2): glibc has no wrapper. */
    public interface Calls {
        long syscall(long number, int cmd, Pointer attr, int size);
    }

    private static final Calls CALLS = LibraryLoader.create(Calls.class).load(Platform.getNativePlatform().getStandardCLibraryName());
    private static final long SYS_BPF = 321; // x86_64
    private static final int PROG_LOAD = 5, PROG_ATTACH = 8, PROG_TYPE_CGROUP_DEVICE = 15, ATTACH_CGROUP_DEVICE = 6;
    private static final int ATTR_SIZE = 128, LOG_SIZE = 16384;

    private Bpf() {}

    /**
     * Loads a BPF_PROG_TYPE_CGROUP_DEVICE program (eBPF instructions, 8 bytes each) and attaches it to the group; the
     * group keeps it, so the program's fd is closed after. The verifier's log is in the error when it refuses.
     */
    public static void attachDeviceProgram(Path group, byte[] instructions) {
        Runtime rt = Runtime.getRuntime(CALLS);
        Pointer code = Memory.allocateDirect(rt, instructions.length);
        code.put(0, instructions, 0, instructions.length);
        Pointer license = Memory.allocateDirect(rt, 8, true);
        license.putString(0, "Apache", 8, java.nio.charset.StandardCharsets.US_ASCII);
        Pointer log = Memory.allocateDirect(rt, LOG_SIZE, true);
        Pointer load = Memory.allocateDirect(rt, ATTR_SIZE, true);
        load.putInt(0, PROG_TYPE_CGROUP_DEVICE);
        load.putInt(4, instructions.length / 8);
        load.putLong(8, code.address());
        load.putLong(16, license.address());
        load.putInt(24, 1); // log_level: the verifier says why, should it refuse
        load.putInt(28, LOG_SIZE);
        load.putLong(32, log.address());
        int prog = (int) CALLS.syscall(SYS_BPF, PROG_LOAD, load, ATTR_SIZE);
        if (prog < 0) {
            int errno = Native.errno();
            throw new EngineException("cannot load the device program of " + group + ": " + Native.strerror(errno) + "; verifier: "
                    + log.getString(0, LOG_SIZE, java.nio.charset.StandardCharsets.US_ASCII).trim());
        }
        try {
            int dir = Native.tryOpen(group.toString(), LibC.O_RDONLY | 0200000 /* O_DIRECTORY */);
            if (dir < 0) throw new EngineException("cannot open cgroup " + group + ": " + Native.strerror(Native.errno()));
            try {
                Pointer attach = Memory.allocateDirect(rt, ATTR_SIZE, true);
                attach.putInt(0, dir); // target_fd
                attach.putInt(4, prog); // attach_bpf_fd
                attach.putInt(8, ATTACH_CGROUP_DEVICE);
                attach.putInt(12, 0); // no flags: one program per group, a later attach replaces it
                if (CALLS.syscall(SYS_BPF, PROG_ATTACH, attach, ATTR_SIZE) < 0) {
                    throw new EngineException("cannot attach the device program to " + group + ": " + Native.strerror(Native.errno()));
                }
            } finally {
                Native.close(dir);
            }
        } finally {
            Native.close(prog);
        }
    }
}
