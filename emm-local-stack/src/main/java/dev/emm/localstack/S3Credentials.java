package dev.emm.localstack;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;

/** The key pair the local S3 store accepts; the secret never appears in {@link #toString()}. */
public record S3Credentials(String accessKey, String secretKey) {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public S3Credentials {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
    }

    /** A fresh pair shaped like AWS keys (20 and 40 characters), so every S3 client accepts it. */
    public static S3Credentials generate() {
        return new S3Credentials(randomString(20).toUpperCase(Locale.ROOT), randomString(40));
    }

    private static String randomString(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "S3Credentials[accessKey=" + accessKey + ", secretKey=***]";
    }
}
