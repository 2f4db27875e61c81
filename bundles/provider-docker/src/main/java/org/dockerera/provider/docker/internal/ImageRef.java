package org.dockerera.provider.docker.internal;

import org.dockerera.api.DockereraException;

/**
 * An image reference split the way the Engine's {@code POST /images/create} takes it.
 *
 * @param repository {@code [registry[:port]/]path} without tag or digest
 * @param tag        the tag ({@code latest} when none was given), or null when pinned by digest
 * @param digest     {@code sha256:…} when pinned, else null
 */
record ImageRef(String repository, String tag, String digest) {

    static ImageRef parse(String image) {
        if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw DockereraException.invalid("invalid-image", "image reference '" + image
                    + "' is not valid; write registry/name:tag or registry/name@sha256:…");
        }
        String rest = image;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!digest.matches("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}")) {
                throw DockereraException.invalid("invalid-image", "image reference '" + image
                        + "' has a malformed digest; write registry/name@sha256:<64 hex digits>");
            }
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty() || rest.endsWith("/") || (tag != null && tag.isEmpty())) {
            throw DockereraException.invalid("invalid-image", "image reference '" + image
                    + "' is not valid; write registry/name:tag or registry/name@sha256:…");
        }
        if (digest != null) {
            tag = null; // the digest wins, as with docker pull name:tag@digest
        } else if (tag == null) {
            tag = "latest";
        }
        return new ImageRef(rest, tag, digest);
    }

    /** What goes in the {@code tag} query parameter: the tag, or the digest when pinned. */
    String tagOrDigest() {
        return digest != null ? digest : tag;
    }

    @Override
    public String toString() {
        return digest != null ? repository + "@" + digest : repository + ":" + tag;
    }
}
