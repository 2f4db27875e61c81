package org.dockerera.api;

/** Version, store and counts of a running controller. */
public interface InfoService {
    Info info();
}
