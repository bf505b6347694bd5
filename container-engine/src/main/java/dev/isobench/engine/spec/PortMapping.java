package dev.isobench.engine.spec;

/** {@code -p HOSTPORT:CTRPORT}: a container TCP port published on the host's 127.0.0.1 only. */
public record PortMapping(int hostPort, int containerPort) {
    public PortMapping {
        check("host", hostPort);
        check("container", containerPort);
    }

    private static void check(String which, int port) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("-p: " + which + " port must be 1..65535, got " + port);
    }

    public static PortMapping parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length == 3 && parts[0].equals("127.0.0.1")) parts = new String[] {parts[1], parts[2]};
        if (parts.length != 2) {
            throw new IllegalArgumentException("-p takes HOSTPORT:CTRPORT (published on 127.0.0.1 only), got '" + text + "'");
        }
        try {
            return new PortMapping(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-p takes numeric HOSTPORT:CTRPORT, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return "127.0.0.1:" + hostPort + "->" + containerPort + "/tcp";
    }
}
