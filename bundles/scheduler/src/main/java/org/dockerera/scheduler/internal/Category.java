package org.dockerera.scheduler.internal;

/** Why a filter rejects a host, in kinds that a failure sentence can count and give advice for. */
enum Category {
    DOWN("down", "bring the down hosts back"),
    CORDONED("cordoned", "uncordon hosts"),
    CONSTRAINT("ruled out by constraints", "relax the constraints"),
    DISTINCT_HOSTS("already running one (distinct-hosts)", "drop the distinct-hosts constraint"),
    RESOURCES("without enough free CPU or memory", "lower the CPU/memory requests"),
    PORT("with the host port already published", "publish another host port");

    private final String counted;
    private final String advice;

    Category(String counted, String advice) {
        this.counted = counted;
        this.advice = advice;
    }

    /** Follows a number of hosts: "2 down", "1 ruled out by constraints". */
    String counted() {
        return counted;
    }

    /** What the user can do about it, as a verb phrase. */
    String advice() {
        return advice;
    }
}
