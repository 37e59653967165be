package dev.tcplat.exporter.iface;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A shell-style pattern over interface names: {@code *} any run of characters, {@code ?} one
 * character, {@code [...]} one of a set ({@code [!...]} none of it). Everything else is literal,
 * so a plain name is a pattern that matches only itself.
 */
final class InterfaceGlob {
    private final String text;
    private final Pattern pattern;

    private InterfaceGlob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    /** @throws IllegalArgumentException with a one-line message when the pattern is malformed */
    static InterfaceGlob of(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty interface name or pattern");
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (c == '[') {
                int end = text.indexOf(']', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("'" + text + "': '[' without a closing ']'");
                }
                String set = text.substring(i + 1, end);
                boolean negated = set.startsWith("!");
                regex.append('[').append(negated ? "^" : "");
                for (char member : set.substring(negated ? 1 : 0).toCharArray()) {
                    // A range's '-' stays special; any other non-alphanumeric is escaped, so
                    // regex class syntax ('^', '&&', nested '[') never leaks in.
                    if (member != '-' && !Character.isLetterOrDigit(member)) {
                        regex.append('\\');
                    }
                    regex.append(member);
                }
                regex.append(']');
                i = end;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        try {
            return new InterfaceGlob(text, Pattern.compile(regex.toString()));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid interface pattern");
        }
    }

    /** Whether the text holds any pattern character, as opposed to naming one interface. */
    static boolean isPattern(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('[') >= 0;
    }

    boolean matches(String name) {
        return pattern.matcher(name).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
