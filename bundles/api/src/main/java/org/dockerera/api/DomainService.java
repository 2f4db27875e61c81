package org.dockerera.api;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Extra host names an app answers to, besides its own name: {@code www.shop.com} or a wildcard
 * {@code *.shop.com} (one or more labels in front). A host name belongs to one app at most. Each change publishes a
 * new route table.
 */
public interface DomainService {
    /** Lower-case DNS names, optionally with a leading {@code *.} label. */
    Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    /** The app's extra domains, sorted. */
    List<String> domains(String app);

    /**
     * @throws DockereraException 422 {@code invalid-domain}, 409 {@code domain-taken} (by another app, or another
     *                            app's own name), 404 {@code app-not-found}
     */
    List<String> add(String app, String domain);

    /** Removing an absent domain is not an error. */
    List<String> remove(String app, String domain);

    /** The normalized form, or 422 {@code invalid-domain}. */
    static String normalize(String domain) {
        String d = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (!DOMAIN.matcher(d).matches()) {
            throw DockereraException.invalid("invalid-domain", "domain '" + domain + "' must be a DNS name such as "
                    + "www.shop.com or *.shop.com (at least two labels)");
        }
        return d;
    }
}
