package org.dockerera.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker image reference checked against the distribution grammar ({@code [registry[:port]/]path[:tag][@digest]}):
 * lower-case path components, a tag of at most 128 word characters, dots and dashes, a digest
 * {@code algorithm:hex}.
 *
 * @param registry   {@code host[:port]} when the first component names one (has a dot or a port, or is
 *                   {@code localhost}), else null
 * @param repository the reference without tag and digest
 * @param tag        the tag, or null
 * @param digest     {@code sha256:…}, or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern REFERENCE = Pattern.compile(
            "((?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*)"
                    + "(?::([\\w][\\w.-]{0,127}))?(?:@([a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}))?");

    /**
     * @throws DockereraException 422 {@code invalid-image} naming what is wrong
     */
    public static ImageReference parse(String image) {
        if (image == null || image.isBlank()) {
            throw DockereraException.invalid("invalid-image", "image is required, e.g. 127.0.0.1:5000/web:v1");
        }
        Matcher m = REFERENCE.matcher(image);
        if (image.length() > 512 || !m.matches()) {
            throw DockereraException.invalid("invalid-image", "image reference '" + image + "' is not valid: write "
                    + "registry/name:tag or registry/name@sha256:<digest>, with a lower-case name");
        }
        String repository = m.group(1);
        String registry = null;
        int slash = repository.indexOf('/');
        if (slash > 0) {
            String first = repository.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
            }
        }
        return new ImageReference(registry, repository, m.group(2), m.group(3));
    }

    /** Whether the reference pins a digest. */
    public boolean pinned() {
        return digest != null;
    }

    @Override
    public String toString() {
        return repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
