package org.dockerera.rest.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.dockerera.api.DockereraException;

/**
 * The one Jackson configuration of the API: ISO-8601 times, enums by their lower-case {@code toString}, nulls
 * omitted, and strict reading (unknown fields, wrong types, trailing data and duplicate keys are errors), with
 * Jackson's exceptions turned into problems that name the field.
 */
final class Json {
    private final ObjectMapper mapper;

    Json() {
        JsonMapper m = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
                .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        // ALLOW_COERCION_OF_SCALARS leaves number/boolean -> String alone: forbid those too
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        this.mapper = m;
    }

    byte[] write(Object value) throws JsonProcessingException {
        return mapper.writeValueAsBytes(value);
    }

    String writeString(Object value) throws JsonProcessingException {
        return mapper.writeValueAsString(value);
    }

    /**
     * Reads a request body (already known to be non-empty) as {@code type}.
     *
     * @throws ApiProblem 400 {@code malformed-json} with line and column, 422 {@code invalid-request} naming the field
     * @throws DockereraException what a model constructor threw while validating (e.g. {@code invalid-capacity})
     */
    <T> T read(byte[] body, Class<T> type) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            // the whole document first: a truncated or garbled body is malformed (400) whatever its first token
            tree = mapper.readTree(body);
        } catch (StreamReadException e) {
            throw malformed(e.getOriginalMessage(), e.getLocation());
        } catch (IOException e) {
            throw ApiProblem.badRequest("malformed-json", "could not read the request body: " + e.getMessage());
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (StreamReadException e) {
            throw malformed(e.getOriginalMessage(), e.getLocation());
        } catch (JsonMappingException e) {
            // a model constructor refused a value (AppSpec's name, DeployRequest's instances, a nested HealthCheck):
            // its own status and slug, whatever Jackson wrapped it in
            DockereraException de = domainCause(e);
            if (de != null) {
                throw de;
            }
            throw mapping(e);
        } catch (IOException e) {
            throw ApiProblem.badRequest("malformed-json", "could not read the request body: " + e.getMessage());
        }
    }

    /** The {@link DockereraException} in {@code e}'s cause chain, or null. */
    static DockereraException domainCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DockereraException de) {
                return de;
            }
        }
        return null;
    }

    /** 422 {@code invalid-request} naming the field, for a body that is JSON but does not bind. */
    private static ApiProblem mapping(JsonMappingException e) {
        String field = path(e);
        if (e instanceof ValueInstantiationException) {
            return ApiProblem.invalid(at(field) + "invalid value: " + rootMessage(e), field);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = known(u.getKnownPropertyIds());
            return ApiProblem.invalid("unknown field '" + field + "'"
                    + (known.isEmpty() ? "" : " (known fields: " + known + ")"), field);
        }
        if (e instanceof InvalidNullException) {
            return ApiProblem.invalid(at(field) + "must not be null", field);
        }
        if (e instanceof MismatchedInputException m) {
            String expected = describe(m.getTargetType());
            if (field.isEmpty()) {
                return ApiProblem.invalid("the request body must be " + expected, null);
            }
            return ApiProblem.invalid("field '" + field + "' has the wrong type: expected " + expected, field);
        }
        return ApiProblem.invalid(at(field) + e.getOriginalMessage(), field.isEmpty() ? null : field);
    }

    private static ApiProblem malformed(String message, JsonLocation location) {
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return ApiProblem.badRequest("malformed-json", "malformed JSON" + where + ": " + firstLine(message));
    }

    private static String at(String field) {
        return field.isEmpty() ? "" : "field '" + field + "': ";
    }

    /** {@code capacity.cpus}, {@code labels.env}, {@code items[2].name}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String known(Collection<Object> ids) {
        if (ids == null) {
            return "";
        }
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a JSON object";
        }
        return "a " + type.getSimpleName();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return firstLine(t instanceof JsonProcessingException jp ? jp.getOriginalMessage() : String.valueOf(t.getMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
