package org.dockerera.scheduler.internal;

import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.osgi.service.component.annotations.Component;

/** {@code binpack}: the most loaded host after placement (see {@link Load}) that still fits first. */
@Component(service = PlacementStrategy.class, property = PlacementStrategy.PROPERTY + "=" + BinpackStrategy.NAME)
public final class BinpackStrategy implements PlacementStrategy {
    public static final String NAME = "binpack";

    @Override
    public double score(HostSnapshot host, PlacementRequest request) {
        return Load.after(host, request);
    }
}
