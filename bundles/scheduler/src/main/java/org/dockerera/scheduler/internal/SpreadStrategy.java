package org.dockerera.scheduler.internal;

import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.osgi.service.component.annotations.Component;

/** {@code spread} (the default): the least loaded host after placement (see {@link Load}) first. */
@Component(service = PlacementStrategy.class, property = PlacementStrategy.PROPERTY + "=" + SpreadStrategy.NAME)
public final class SpreadStrategy implements PlacementStrategy {
    public static final String NAME = "spread";

    @Override
    public double score(HostSnapshot host, PlacementRequest request) {
        return -Load.after(host, request);
    }
}
