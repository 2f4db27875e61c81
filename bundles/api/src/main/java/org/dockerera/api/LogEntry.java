package org.dockerera.api;

import java.time.Instant;

/**
 * One line of an app's log.
 *
 * @param time     when the engine received it (nanosecond precision)
 * @param instance the instance that wrote it
 * @param release  the release that instance runs (ran)
 * @param stream   {@code stdout} or {@code stderr}
 * @param line     the text, without its line feed
 */
public record LogEntry(Instant time, String instance, int release, String stream, String line) {
}
