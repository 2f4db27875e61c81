package org.dockerera.api;

/**
 * The active config store as users see it.
 *
 * @param backend  {@code embedded}, {@code redis}, {@code couchbase} …
 * @param endpoint where it lives (a file path or URL, no credentials)
 * @param revision the newest revision
 * @param health   {@code up} or {@code down}
 */
public record StoreStatus(String backend, String endpoint, long revision, String health) {
}
