package org.dockerera.api;

/**
 * An installed config store backend.
 *
 * @param name   {@code embedded}, {@code redis}, {@code couchbase} …
 * @param active whether dockerera's state lives there now
 * @param status its endpoint, revision and health
 */
public record StoreBackend(String name, boolean active, StoreStatus status) {
}
