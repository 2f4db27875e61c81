package org.dockerera.api;

import java.util.List;
import java.util.Map;

/**
 * A placement answered without doing it ({@code POST …/deploys?explain=true}).
 *
 * @param app        app name
 * @param instances  how many instances were to be placed
 * @param strategy   the ranking strategy used
 * @param placements where they would go, in order
 * @param rejections every rejected host id with its reasons
 * @param notes      colocation and other remarks
 * @param complete   whether every instance found a host
 * @param failure    why not, when not
 */
public record Explanation(String app, int instances, String strategy, List<Placement> placements,
                          Map<String, List<String>> rejections, List<String> notes, boolean complete, String failure) {
    public Explanation {
        placements = List.copyOf(placements);
        rejections = Map.copyOf(rejections);
        notes = List.copyOf(notes);
    }

    /** One placed instance: its host and, for messages, the host's URL. */
    public record Placement(String hostId, String hostUrl) {
    }
}
