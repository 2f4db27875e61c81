package org.dockerera.scheduler.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Numbers in reasons: CPUs without trailing zeros, bytes in the largest unit that divides them exactly. */
final class Format {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Format() {
    }

    /** {@code 0.5}, {@code 2}, {@code 0.125}; rounded to 3 decimals (millicpus). */
    static String cpus(double cpus) {
        return BigDecimal.valueOf(cpus).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** {@code 2 GiB}, {@code 256 MiB}, {@code 1073741825 bytes}: exact, so one byte over still reads as over. */
    static String bytes(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + " GiB";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
