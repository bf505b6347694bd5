package dev.isobench.bench.app;

/**
 * Where one run's files and socket are, as the processes of its place see them: the run's own data directory
 * (a fresh volume, or a directory in the container's own layer), the seed every run starts from (read-only), and
 * the address and port a server listens on.
 */
public record Inside(String data, String seed, String listen, int port) {}
