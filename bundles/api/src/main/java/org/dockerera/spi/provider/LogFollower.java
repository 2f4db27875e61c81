package org.dockerera.spi.provider;

/** Receives a followed container's lines, then its end. */
public interface LogFollower {

    /** A line; called from the stream's own thread, in order. */
    void line(LogLine line);

    /**
     * The stream ended: the container stopped ({@code failure} null), or the stream broke or could not be opened
     * (a {@link ProviderException}). Called once, and not at all after the stream was closed by its caller.
     */
    void ended(Throwable failure);
}
