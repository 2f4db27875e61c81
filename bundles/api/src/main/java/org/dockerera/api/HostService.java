package org.dockerera.api;

import java.util.List;

/** Docker hosts dockerera manages. */
public interface HostService {

    /** All hosts with their live status; never blocks on a slow host. */
    List<Host> list();

    /** @throws DockereraException {@code host-not-found} when unknown */
    Host get(String idOrUrl);

    /**
     * Checks the host answers (unless {@code force}), stores it and starts monitoring it.
     *
     * @throws DockereraException 422 {@code invalid-host-url}/{@code host-unreachable}, 409 {@code host-exists}
     */
    Host add(HostSpec spec);

    /**
     * Forgets a host. Refused ({@code host-busy}) while dockerera instances run there unless {@code force}.
     */
    void remove(String idOrUrl, boolean force);

    /** No new instances are placed on the host; those running stay. */
    Host cordon(String idOrUrl);

    /** The host takes new instances again (and stops draining). */
    Host uncordon(String idOrUrl);

    /**
     * Cordons the host and moves its instances to other hosts, each replacement healthy and routed before the instance
     * it replaces is drained; {@code host.drained} when it is empty.
     */
    Host drain(String idOrUrl);
}
