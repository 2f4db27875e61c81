package org.dockerera.store.embedded.internal;

import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dockerera.api.DockereraException;

/** Turns the configured {@code path} template into a file path, resolving {@code ${name}} from framework properties. */
final class StorePath {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private StorePath() {
    }

    /**
     * @param template   e.g. {@code ${karaf.data}/dockerera/store.mv}
     * @param properties framework properties (the bundle context's), null when unset
     * @param fallback   where the file goes when the template is blank
     */
    static Path resolve(String template, Function<String, String> properties, Path fallback) {
        if (template == null || template.isBlank()) {
            return fallback;
        }
        Matcher m = PLACEHOLDER.matcher(template.trim());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = properties.apply(m.group(1));
            if (value == null) {
                throw DockereraException.invalid("store-path",
                        "the embedded store path '" + template + "' uses ${" + m.group(1) + "}, which is not set; "
                                + "set path in etc/" + EmbeddedStoreConfig.PID + ".cfg to an absolute file");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return Path.of(out.toString()).toAbsolutePath().normalize();
    }
}
