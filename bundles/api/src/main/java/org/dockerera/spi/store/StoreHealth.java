package org.dockerera.spi.store;

/**
 * @param backend  backend name
 * @param endpoint file path or URL, without credentials
 * @param revision newest revision (-1 when unknown)
 * @param up       whether the backend answers
 * @param detail   why it is down, or null
 */
public record StoreHealth(String backend, String endpoint, long revision, boolean up, String detail) {
}
