package org.dockerera.scheduler.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.dockerera.spi.scheduler.Scheduler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Scheduler} service: {@link Placer} with the strategy named by {@code strategy} in
 * {@code etc/org.dockerera.scheduler.cfg}. Strategies come and go as services (dynamic, multiple); a change of the
 * configured name applies to the next placement without restarting this component or its consumers.
 */
@Component(service = Scheduler.class, configurationPid = SchedulerConfig.PID)
@Designate(ocd = SchedulerConfig.class)
public class SchedulerComponent implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerComponent.class);

    private final StrategyRegistry strategies = new StrategyRegistry();
    private volatile String strategy = SpreadStrategy.NAME;
    /** The missing strategy last warned about, so the log gets one warning per missing name, not one per placement. */
    private final AtomicReference<String> warnedMissing = new AtomicReference<>();

    @Activate
    void activate(SchedulerConfig config) {
        configure(config);
    }

    @Modified
    void modified(SchedulerConfig config) {
        configure(config);
    }

    private void configure(SchedulerConfig config) {
        String name = config.strategy() == null || config.strategy().isBlank() ? SpreadStrategy.NAME
                : config.strategy().strip();
        if (!name.equals(strategy)) {
            LOG.info("Placement strategy is now '{}' (was '{}')", name, strategy);
        }
        strategy = name;
        warnedMissing.set(null);
    }

    @Reference(service = PlacementStrategy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStrategy(PlacementStrategy s, Map<String, Object> properties) {
        if (!strategies.add(s, properties)) {
            LOG.warn("Ignoring a placement strategy without the {} property: {}", PlacementStrategy.PROPERTY,
                    s.getClass().getName());
        }
    }

    void removeStrategy(PlacementStrategy s, Map<String, Object> properties) {
        strategies.remove(s);
    }

    @Override
    public PlacementPlan place(PlacementRequest request, List<HostSnapshot> hosts) {
        String name = strategy;
        PlacementStrategy s = strategies.get(name);
        if (s == null) {
            List<String> installed = strategies.names();
            String detail = "strategy '" + name + "' is not installed (installed: "
                    + (installed.isEmpty() ? "none" : String.join(", ", installed)) + "); install its feature or set "
                    + "strategy in etc/org.dockerera.scheduler.cfg to an installed one";
            if (!name.equals(warnedMissing.getAndSet(name))) {
                LOG.warn("Cannot place instances: {}", detail);
            }
            return PlacementPlan.failed(request, name, nothingPlaced(request) + detail);
        }
        if (warnedMissing.get() != null) {
            warnedMissing.set(null);
        }
        try {
            return Placer.place(request, hosts, name, s);
        } catch (RuntimeException e) {
            LOG.error("Placement of {} with strategy '{}' failed", request.app(), name, e);
            return PlacementPlan.failed(request, name, nothingPlaced(request) + "strategy '" + name
                    + "' failed (" + e + "); see the log, or set another strategy in etc/org.dockerera.scheduler.cfg");
        }
    }

    private static String nothingPlaced(PlacementRequest request) {
        return "placed 0 of " + Placer.count(request.instances(), "instance") + " of " + request.app() + ": ";
    }

    @Override
    public String strategy() {
        return strategy;
    }

    @Override
    public List<String> strategies() {
        return strategies.names();
    }
}
