package dev.emm.orchestrator;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Experiment ids are safe as object-key segments and Kafka keys: lower-case letters, digits, '-'. */
final class ExperimentIds {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExperimentIds() {
    }

    static String generate(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.isEmpty()) {
            slug = "experiment";
        }
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return (slug.length() > 40 ? slug.substring(0, 40) : slug) + "-" + HexFormat.of().formatHex(suffix);
    }

    static boolean valid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
