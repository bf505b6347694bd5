package dev.isobench.bench.suite;

/** One suite of measurements; it writes its rows through the context as they are measured. */
public interface Suite {
    String name();

    void run(SuiteContext ctx);
}
