package org.dockerera.store.facade.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import org.dockerera.spi.store.StoreUnavailableException;

/**
 * The record a migration leaves in the store it moved away from, under {@value #KEY}: where the state went, when,
 * and how many keys. Another controller whose facade still points at that store (a standby that was not stopped,
 * one started with an old {@code etc/org.dockerera.store.cfg}) finds it and refuses every call with
 * {@code store-moved}, instead of serving a frozen copy of the state and, once the lease there runs out, acting on
 * it next to the controller that migrated.
 */
record Moved(String to, String endpoint, Instant at, long keys) {
    /** The key; a store holding it is one that state was migrated away from. */
    static final String KEY = "store/moved";
    private static final JsonFactory JSON = new JsonFactory();

    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("to", to);
            g.writeStringField("endpoint", endpoint);
            g.writeStringField("at", at.toString());
            g.writeNumberField("keys", keys);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads a record; fields it does not know are skipped, a damaged one still says that the store moved. */
    static Moved fromJson(byte[] json) {
        String to = "another backend";
        String endpoint = "";
        Instant at = Instant.EPOCH;
        long keys = -1;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.getCurrentName();
                    p.nextToken();
                    switch (field) {
                        case "to" -> to = p.getValueAsString(to);
                        case "endpoint" -> endpoint = p.getValueAsString(endpoint);
                        case "at" -> at = Instant.parse(p.getValueAsString(at.toString()));
                        case "keys" -> keys = p.getValueAsLong(keys);
                        default -> p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep what was read: the record's presence is what matters
        }
        return new Moved(to, endpoint, at, keys);
    }

    /** What every call on the moved-from store answers. */
    StoreUnavailableException refusal(String from) {
        return new StoreMovedException(from, this);
    }

    String describe(String from) {
        return "the state in the " + from + " config store was migrated to " + to
                + (endpoint.isBlank() ? "" : " (" + endpoint + ")") + " at " + at + "; this controller still points"
                + " at the old store, whose copy is frozen: set backend = " + to + " in etc/org.dockerera.store.cfg"
                + " (with dockerera-store-" + to + " installed and configured like on the controller that migrated)";
    }

    /** 503 {@code store-moved}: nothing was read or changed. */
    static final class StoreMovedException extends StoreUnavailableException {
        private static final long serialVersionUID = 1L;

        StoreMovedException(String from, Moved moved) {
            super("store-moved", "Config store moved", moved.describe(from) + "; nothing was read or changed");
        }
    }
}
