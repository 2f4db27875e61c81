package org.dockerera.spi.store;

import java.util.List;

/**
 * A page of the change feed.
 *
 * @param changes  changes in revision order
 * @param revision the store revision when the page was read; resume from the last change's revision, or from this
 *                 one when the page was empty
 */
public record ChangeBatch(List<Change> changes, long revision) {
    public ChangeBatch {
        changes = List.copyOf(changes);
    }
}
