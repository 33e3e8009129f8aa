package dev.emm.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL reading to list the metric and label names a query uses. */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_.]*}?");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** label_replace(v, "dst", "replacement", "src", "regex"): dst is made, src is read. */
    private static final Pattern LABEL_REPLACE = Pattern.compile(
            ",\\s*\"([a-zA-Z_][a-zA-Z0-9_]*)\"\\s*,\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*,\\s*\"([a-zA-Z_][a-zA-Z0-9_]*)\"\\s*,"
            + "\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\)");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan", "atan2");

    private PromQl() {
    }

    /** Metric names: identifiers that are neither functions, keywords, labels nor numbers. */
    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = SELECTOR.matcher(s).replaceAll(" ");
        s = RANGE.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        s = VARIABLE.matcher(s).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            boolean call = after < s.length() && s.charAt(after) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
            if (!call && !number && !KEYWORDS.contains(id)) {
                names.add(id);
            }
        }
        return names;
    }

    /**
     * Label names the query reads from series: those in selectors, in by/without/on/ignoring
     * clauses and label_replace sources, less the ones label_replace creates.
     */
    static Set<String> labelNames(String expr) {
        Set<String> labels = new LinkedHashSet<>();
        Set<String> made = new LinkedHashSet<>();
        Matcher r = LABEL_REPLACE.matcher(expr);
        while (r.find()) {
            made.add(r.group(1));
            labels.add(r.group(2));
        }
        String s = STRING.matcher(expr).replaceAll("\"\"");
        Matcher sel = SELECTOR.matcher(s);
        while (sel.find()) {
            Matcher m = MATCHER.matcher(sel.group(1));
            while (m.find()) {
                labels.add(m.group(1));
            }
        }
        Matcher g = GROUPING.matcher(s);
        while (g.find()) {
            for (String l : g.group(2).split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.trim());
                }
            }
        }
        labels.removeAll(made);
        return labels;
    }
}
