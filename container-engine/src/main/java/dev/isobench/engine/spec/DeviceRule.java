package dev.isobench.engine.spec;

/**
 * One device cgroup rule after the engine's default list, as Docker's {@code --device-cgroup-rule} or an OCI
 * {@code linux.resources.devices} entry: allow or deny, then {@code TYPE MAJOR:MINOR ACCESS} ({@code c 1:3 rwm}).
 */
public record DeviceRule(boolean allow, String rule) {
    public DeviceRule {
        if (!rule.matches("[abc] (\\*|\\d+):(\\*|\\d+) [rwm]{1,3}") && !rule.equals("a")) {
            throw new IllegalArgumentException("a device rule is TYPE MAJOR:MINOR ACCESS, such as 'c 1:3 rwm'; got '" + rule + "'");
        }
    }
}
