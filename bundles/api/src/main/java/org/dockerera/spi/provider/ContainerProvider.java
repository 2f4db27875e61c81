package org.dockerera.spi.provider;

/**
 * A driver that runs containers on a kind of host (Docker Engine first). A DS service with the property
 * {@value #PROVIDER_PROPERTY} = its name.
 */
public interface ContainerProvider {
    String PROVIDER_PROPERTY = "dockerera.provider";

    /** e.g. {@code docker} */
    String name();

    /** Whether this provider can talk to {@code url} ({@code unix://…}, {@code tcp://…}). */
    boolean supports(String url);

    /**
     * A connection to one host. Cheap: nothing is contacted until the first call. Every call on it is bounded by
     * the endpoint's timeouts, so a hung host never blocks a caller longer than that.
     *
     * @throws org.dockerera.api.DockereraException {@code invalid-host-url} / {@code invalid-tls} for bad input
     */
    HostConnection connect(HostEndpoint endpoint);
}
