package dev.isobench.engine.spec;

/** A bandwidth limit on one block device (major:minor), in bytes per second. */
public record DeviceRate(int major, int minor, long bytesPerSecond) {
    public DeviceRate {
        if (bytesPerSecond <= 0) throw new IllegalArgumentException("a device rate must be positive, got " + bytesPerSecond);
    }

    public String device() {
        return major + ":" + minor;
    }
}
