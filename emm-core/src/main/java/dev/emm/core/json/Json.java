package dev.emm.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The one JSON mapping of every contract. Events are read leniently (a newer producer may add
 * fields); experiment specs are read strictly so that a misspelt field is an error naming it.
 */
public final class Json {

    private static final ObjectMapper EVENTS = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private static final ObjectMapper STRICT = strict(EVENTS.copy()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
            .registerModule(new SimpleModule("finite-numbers").addDeserializer(Double.class, new FiniteDouble())));

    private Json() {
    }

    /**
     * No scalar is converted into another type: {@code "eps": "0.1"}, {@code "resolution": 16.5},
     * {@code "skipConnections": [1]} and {@code "name": 5} fail naming the field instead of being
     * read as the number, integer, boolean or text the user may not have meant.
     */
    private static ObjectMapper strict(ObjectMapper mapper) {
        refuse(mapper, LogicalType.Integer, CoercionInputShape.String, CoercionInputShape.EmptyString,
                CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.EmptyString,
                CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Boolean, CoercionInputShape.String, CoercionInputShape.EmptyString,
                CoercionInputShape.Integer, CoercionInputShape.Float);
        refuse(mapper, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Enum, CoercionInputShape.Integer, CoercionInputShape.EmptyString);
        return mapper;
    }

    public static ObjectMapper mapper() {
        return EVENTS;
    }

    public static byte[] toBytes(Object value) {
        try {
            return EVENTS.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toString(Object value) {
        try {
            return EVENTS.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toPrettyString(Object value) {
        try {
            return EVENTS.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an event or stored record; unknown fields are ignored. */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return EVENTS.readValue(json, type);
        } catch (IOException e) {
            throw new MalformedJsonException(fieldPath(e), detail(e), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    /** Reads user input strictly: unknown fields, trailing tokens and nulls for primitives fail. */
    public static <T> T readStrict(byte[] json, Class<T> type) {
        try {
            return STRICT.readValue(json, type);
        } catch (IOException e) {
            throw new MalformedJsonException(fieldPath(e), detail(e), e);
        }
    }

    public static <T> T readStrict(String json, Class<T> type) {
        return readStrict(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    /**
     * What is wrong, in one line. A value outside a vocabulary (an enum) lists the names it may take,
     * as the enum writes them.
     */
    private static String detail(IOException e) {
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                && mismatch.getTargetType().isEnum()) {
            String allowed = Arrays.stream(mismatch.getTargetType().getEnumConstants())
                    .map(constant -> EVENTS.convertValue(constant, String.class))
                    .collect(Collectors.joining(", ", "[", "]"));
            Object given = e instanceof InvalidFormatException invalid ? invalid.getValue() : null;
            return "must be one of " + allowed + (given == null ? "" : ", got '" + given + "'");
        }
        String message = e instanceof JsonProcessingException processing ? processing.getOriginalMessage()
                : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }

    private static String fieldPath(IOException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
        }
        return "$";
    }

    private static void refuse(ObjectMapper mapper, LogicalType type, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
        }
    }

    /** A number too large for a double (such as {@code 1e400}) is an error, not an infinity. */
    private static final class FiniteDouble extends NumberDeserializers.DoubleDeserializer {
        FiniteDouble() {
            super(Double.class, null);
        }

        @Override
        public Double deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            Double value = super.deserialize(parser, context);
            if (value != null && !Double.isFinite(value)) {
                throw InvalidFormatException.from(parser, "must be a finite number", value, Double.class);
            }
            return value;
        }
    }

    /** JSON that could not be read, with the path of the offending field ("$" for the document). */
    public static final class MalformedJsonException extends RuntimeException {
        private final String field;
        private final String detail;

        MalformedJsonException(String field, String detail, Throwable cause) {
            super("malformed JSON at " + field + ": " + detail, cause);
            this.field = field;
            this.detail = detail;
        }

        public String field() {
            return field;
        }

        /** What is wrong with the field, in one line. */
        public String detail() {
            return detail;
        }
    }
}
