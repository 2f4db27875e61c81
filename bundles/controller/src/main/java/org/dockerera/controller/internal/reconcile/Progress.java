package org.dockerera.controller.internal.reconcile;

/**
 * Where the app stands, counted before the plan is carried out (for deploy messages such as "2/4 serving").
 *
 * @param release  the release being run (the target, or the active one when the target failed); null if none
 * @param wanted   how many instances of it are wanted
 * @param serving  instances of it healthy and in an acknowledged route table (healthy, for workers)
 * @param starting instances of it on the way (starting, not yet routed or acknowledged, unhealthy, exited)
 * @param outdated instances still serving that will be replaced (other releases, draining hosts)
 * @param retiring instances being drained, stopped or removed (after this plan)
 */
public record Progress(Integer release, int wanted, int serving, int starting, int outdated, int retiring) {
}
