package org.dockerera.controller.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Short opaque ids: a type letter and 48 random bits ({@code h-3fa2c19b07d1}). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId(String type) {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return type + "-" + HexFormat.of().formatHex(b);
    }
}
