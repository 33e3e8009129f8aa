package dev.emm.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 of imported sources, streamed (never the whole file in memory). */
final class Sha256 {

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Hex SHA-256 of a file's bytes, as {@code sha256sum} prints it. */
    static String ofFile(Path file) throws IOException {
        MessageDigest digest = newDigest();
        update(digest, file);
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The tree digest of several files: SHA-256 over, for each file in the given order, its name
     * ({@code names}, '/'-separated) in UTF-8, a NUL byte, its length in decimal ASCII, a NUL byte,
     * then its bytes.
     */
    static String ofTree(List<String> names, List<Path> files) throws IOException {
        MessageDigest digest = newDigest();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            digest.update(names.get(i).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(Files.size(file)).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            update(digest, file);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, Path file) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) != -1) {
                digest.update(buffer, 0, read);
            }
        }
    }
}
