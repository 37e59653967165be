package dev.tcplat.exporter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one way the exporter reads a YAML file: bound strictly to a record (an unknown key, a wrong
 * type, a number out of range, a duplicate key or a second document is an error, never a silent
 * default), with one message policy for every file. Each message is one line that starts with
 * the file and says, in the file's own terms, which key is wrong, on which line, and what it must
 * be; the parser's and the JDK's class names never reach it.
 */
final class StrictYaml {
    /**
     * A kind of file, as messages call it.
     *
     * @param name what the file is, e.g. "a web configuration file"
     * @param unsupportedKeys keys of the format that this exporter refuses by name rather than as
     *     unknown, so a file written for another program fails with the right explanation
     */
    record Format(String name, Set<String> unsupportedKeys) {}

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private StrictYaml() {}

    /**
     * Reads {@code file} into {@code shape} and gives it meaning with {@code bind}, which sees
     * nothing when the file is empty or only comments.
     *
     * @throws IllegalArgumentException one line: the file, then what is wrong; a rule {@code bind}
     *     enforces keeps its own message, after the file
     */
    static <S, T> T load(Path file, Class<S> shape, Format format, Function<Optional<S>, T> bind) {
        Optional<S> parsed = parse(file, shape, format);
        try {
            return bind.apply(parsed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    private static <S> Optional<S> parse(Path file, Class<S> shape, Format format) {
        String text = read(file);
        // Empty, or comments only (a commented-out example): as if no key were set.
        if (text.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(MAPPER.readValue(text, shape));
        } catch (UnrecognizedPropertyException e) {
            String line = keyLine(text, e.getPropertyName());
            if (format.unsupportedKeys().contains(e.getPropertyName())) {
                throw new IllegalArgumentException(file + ": '" + path(e) + "' is not supported by tcplat-exporter"
                        + line);
            }
            throw new IllegalArgumentException(file + ": unknown key '" + path(e) + "'" + line);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(mappingProblem(file, shape, format, e));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(syntaxProblem(file, e));
        }
    }

    private static String read(Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a directory, not a file");
        }
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(file + " is not readable by this user");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not a text file (YAML is UTF-8 text)");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " can not be read: " + e.getMessage());
        }
    }

    private static String mappingProblem(Path file, Class<?> shape, Format format, JsonMappingException e) {
        if (e.getCause() instanceof InputCoercionException) {
            // Only an int field can overflow here: the shapes hold Integer, Double and text.
            return file + ": '" + path(e) + "' is out of range" + line(e) + ": it must be a whole number from "
                    + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        if (e.getCause() instanceof JsonProcessingException syntax) {
            return syntaxProblem(file, syntax);
        }
        if (e.getPath().isEmpty()) {
            // Jackson reports a second document as trailing content of the first, at its start.
            if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                return file + " holds more than one YAML document" + line(e) + "; " + format.name()
                        + " is one document";
            }
            return file + " is not " + format.name() + ": it must be a YAML map of the keys "
                    + String.join(", ", keys(shape));
        }
        String expected = e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                ? ": it must be " + expected(mismatch.getTargetType()) : "";
        return file + ": '" + path(e) + "' has the wrong type" + line(e) + expected;
    }

    private static String syntaxProblem(Path file, JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (reason.startsWith("Duplicate field ")) {
            reason = reason.substring("Duplicate field ".length()) + " is written twice";
        } else {
            // The YAML parser's message: what it was reading and what it found, each followed by
            // an indented excerpt of the file; the line number is given separately.
            reason = reason.lines().filter(l -> !l.isBlank() && !l.startsWith(" ")).collect(Collectors.joining(": "));
        }
        return file + " is not valid YAML" + line(e) + (reason.isEmpty() ? "" : ": " + reason);
    }

    /** What a value of {@code type} looks like in YAML. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a single value, not a list or map";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type.isRecord()) {
            return "a map of the keys " + String.join(", ", keys(type));
        }
        return Map.class.isAssignableFrom(type) ? "a map" : "another kind of value";
    }

    /** The keys of a record shape, as the file writes them. */
    private static List<String> keys(Class<?> shape) {
        if (!shape.isRecord()) {
            return List.of();
        }
        return Arrays.stream(shape.getRecordComponents()).map(StrictYaml::key).toList();
    }

    private static String key(RecordComponent component) {
        // JsonProperty does not target record components, so Java puts it on the accessor.
        JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : component.getName();
    }

    /** The key path as written in the file: {@code peers.groups[0].cidrs}. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
    }

    /**
     * The line where an unknown key is written. The YAML parser reports where it stopped reading,
     * which is past the key's value, so look the key up instead: the first line that defines it.
     */
    private static String keyLine(String text, String key) {
        Pattern definition = Pattern.compile("^\\s*(-\\s+)?[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (definition.matcher(lines.get(i)).find()) {
                return " (line " + (i + 1) + ")";
            }
        }
        return "";
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
