/**
 * Placement contract: where the new instances of an app go, and why every other host was not used.
 * <p>
 * Pure values and interfaces, no OSGi types: the controller builds a {@link org.dockerera.spi.scheduler.PlacementRequest}
 * and one {@link org.dockerera.spi.scheduler.HostSnapshot} per host, calls
 * {@link org.dockerera.spi.scheduler.Scheduler#place}, and gets a {@link org.dockerera.spi.scheduler.PlacementPlan}.
 * Ranking is pluggable: a {@link org.dockerera.spi.scheduler.PlacementStrategy} service with the property
 * {@code dockerera.strategy=<name>}; the scheduler uses the one named by {@code strategy} in
 * {@code etc/org.dockerera.scheduler.cfg}.
 */
@Export
@Version("0.1.0")
package org.dockerera.spi.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
