package org.dockerera.api;

/** This controller's role among the controllers sharing the store. */
public interface LeadershipService {
    Leadership current();

    /**
     * Returns when this controller acts; otherwise throws {@link DockereraException} of kind
     * {@link DockereraException.Kind#UNAVAILABLE} with the slug {@code standby}, naming the active controller.
     */
    default void requireActive() {
        Leadership l = current();
        if (!l.active()) {
            throw new DockereraException(DockereraException.Kind.UNAVAILABLE, "standby", "Standby controller",
                    l.standbyDetail());
        }
    }
}
