package org.dockerera.controller.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.dockerera.api.DockereraException;

/**
 * Encrypts secrets at rest with AES-256-GCM under the cluster key ({@code etc/dockerera.key}).
 * A sealed value is {@code v1:<base64(nonce ‖ ciphertext ‖ tag)>}; the key id is bound in as associated data so a
 * value sealed under another cluster's key fails loudly instead of decrypting to garbage.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final byte[] keyId;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(byte[] rawKey) {
        if (rawKey.length != 32) {
            throw new IllegalArgumentException("cluster key must be 32 bytes, got " + rawKey.length);
        }
        this.key = new SecretKeySpec(rawKey, "AES");
        this.keyId = "dockerera-cluster-key".getBytes(StandardCharsets.UTF_8);
    }

    /** Loads the key file, creating it (mode 0600, 256 random bits, base64) when it does not exist. */
    static SecretBox loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(file, (Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII),
                            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cluster key " + file + " is not base64: restore it from your backup", e);
            }
            return new SecretBox(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create cluster key " + file, e);
        }
    }

    public String seal(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(keyId);
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public String open(String sealed) {
        if (sealed == null) {
            return null;
        }
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(keyId);
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new DockereraException(DockereraException.Kind.INTERNAL, "wrong-cluster-key", "Wrong cluster key",
                    "a stored secret does not decrypt with this cluster's etc/dockerera.key: copy the key file the "
                            + "cluster was created with (see README) and restart");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }
}
