package dev.isobench.bench.suite;

import java.util.Arrays;

/** Samples of one measurement, as many as its budget allows: appended one by one, read as an array. */
final class Series {
    private double[] values = new double[16];
    private int size;

    void add(double v) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = v;
    }

    int size() {
        return size;
    }

    double last() {
        return values[size - 1];
    }

    double[] values() {
        return Arrays.copyOf(values, size);
    }
}
