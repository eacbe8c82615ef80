package org.scxgamer.bench;

import java.util.Arrays;
import java.util.Locale;

/** Median, min and max of repeated runs: the machine is shared, so single numbers mean little. */
record Summary(double median, double min, double max, int runs) {

    static Summary of(double... values) {
        if (values.length == 0) {
            return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Summary(median, v[0], v[n - 1], n);
    }

    /** "12.3 [10.1–15.0]" with the given number format. */
    String format(String fmt) {
        return String.format(Locale.ROOT, fmt + " [" + fmt + "–" + fmt + "]", median, min, max);
    }
}
