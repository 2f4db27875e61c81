package org.dockerera.store.facade.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.dockerera.api.DockereraException;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;

/**
 * Backup and restore of a whole store as one JSON document, the same for every backend: keys and values (base64)
 * exactly as stored, so sealed secrets stay sealed; a count and a SHA-256 (as for migrations) that an import checks
 * before writing anything. Streamed both ways.
 */
final class Exports {
    static final String FORMAT = "dockerera-store/1";
    private static final JsonFactory JSON = new JsonFactory();

    private Exports() {
    }

    static long write(ConfigStore store, OutputStream out, Clock clock) throws IOException {
        List<Entry> all = store.list("");
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeStringField("backend", store.backend());
            g.writeNumberField("revision", all.stream().mapToLong(Entry::version).max().orElse(0));
            g.writeStringField("exported", clock.instant().toString());
            g.writeNumberField("count", all.size());
            g.writeStringField("sha256", Migrator.checksum(all));
            g.writeArrayFieldStart("entries");
            Base64.Encoder b64 = Base64.getEncoder();
            for (Entry e : all) {
                g.writeStartObject();
                g.writeStringField("key", e.key());
                g.writeStringField("value", b64.encodeToString(e.value()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return all.size();
    }

    /** Parses and verifies a document; nothing is written. */
    static List<Entry> read(InputStream in) throws IOException {
        List<Entry> entries = new ArrayList<>();
        String format = null;
        String sha = null;
        long count = -1;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "format":
                        format = p.getValueAsString();
                        break;
                    case "sha256":
                        sha = p.getValueAsString();
                        break;
                    case "count":
                        count = p.getValueAsLong(-1);
                        break;
                    case "entries":
                        if (t != JsonToken.START_ARRAY) {
                            throw invalid("'entries' is not an array");
                        }
                        readEntries(p, entries);
                        break;
                    default:
                        p.skipChildren();
                        break;
                }
            }
        } catch (JsonProcessingException e) {
            throw invalid("not valid JSON: " + e.getOriginalMessage());
        }
        if (!FORMAT.equals(format)) {
            throw invalid("format is " + format + ", expected " + FORMAT);
        }
        if (count != entries.size()) {
            throw invalid("it says " + count + " keys but holds " + entries.size() + " (truncated?)");
        }
        String actual = Migrator.checksum(entries);
        if (!actual.equals(sha)) {
            throw invalid("its sha256 does not match its entries (changed or damaged)");
        }
        return entries;
    }

    private static void readEntries(JsonParser p, List<Entry> entries) throws IOException {
        Base64.Decoder b64 = Base64.getDecoder();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String key = null;
            byte[] value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if ("key".equals(f)) {
                    key = p.getValueAsString();
                } else if ("value".equals(f)) {
                    try {
                        value = b64.decode(p.getValueAsString(""));
                    } catch (IllegalArgumentException e) {
                        throw invalid("the value of " + key + " is not base64");
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (key == null || value == null) {
                throw invalid("an entry lacks its key or value");
            }
            entries.add(new Entry(key, value, 0, 0));
        }
    }

    private static DockereraException invalid(String why) {
        return new DockereraException(DockereraException.Kind.INVALID, "invalid-store-export", "Invalid store export",
                "the file is not a dockerera store export that verifies: " + why + "; nothing was imported");
    }
}
