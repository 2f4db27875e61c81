package org.dockerera.api;

import java.time.Instant;

/**
 * A numbered, immutable version of an app: image (pinned to a digest once pulled) plus environment.
 *
 * @param app     app name
 * @param version 1, 2, …
 * @param image   the image reference asked for ({@code registry/name:tag})
 * @param digest  {@code registry/name@sha256:…} once the registry gave one
 * @param envHash SHA-256 of the environment (names and values), so equal environments compare equal
 * @param cause   {@code deploy}, {@code env}, {@code scale}, {@code restart}, {@code rollback}
 * @param token   name of the token that asked for it
 * @param time    when it was recorded
 * @param status  where it is in its lifecycle
 * @param message why it failed, or what it rolled back to
 */
public record Release(String app, int version, String image, String digest, String envHash, String cause, String token,
                      Instant time, ReleaseStatus status, String message) {
    /** The reference containers are created from: the digest when known. */
    public String pinnedImage() {
        return digest != null ? digest : image;
    }
}
