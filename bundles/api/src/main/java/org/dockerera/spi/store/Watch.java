package org.dockerera.spi.store;

/** A running watch; closing it stops delivery. */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
