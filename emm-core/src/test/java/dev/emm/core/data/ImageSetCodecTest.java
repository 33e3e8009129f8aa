package dev.emm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** EMMDS bytes that cannot be read say what is wrong with them. */
class ImageSetCodecTest {

    private static final byte[] STORED = ImageSetCodec.toBytes(DatasetManifestTest.images(5));

    @Test
    void aTruncatedFileSaysWhereItEnds() {
        assertEquals(50, assertDoesRead(STORED).size());
        IOException half = assertThrows(IOException.class,
                () -> ImageSetCodec.fromBytes(Arrays.copyOf(STORED, STORED.length / 2)));
        assertEquals("truncated EMM dataset: the data ends before the 50 images of 1x16x16 its header announces",
                half.getMessage());
        IOException header = assertThrows(IOException.class, () -> ImageSetCodec.fromBytes(Arrays.copyOf(STORED, 12)));
        assertEquals("truncated EMM dataset: the data ends inside its header", header.getMessage());
        IOException gzipHeader = assertThrows(IOException.class, () -> ImageSetCodec.fromBytes(Arrays.copyOf(STORED, 5)));
        assertEquals("truncated EMM dataset: the data ends inside its header", gzipHeader.getMessage());
    }

    @Test
    void bytesThatAreNoEmmdsAreRefused() {
        IOException notGzip = assertThrows(IOException.class,
                () -> ImageSetCodec.fromBytes("{\"images\": []}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("Not in GZIP format", notGzip.getMessage());
    }

    private static ImageSet assertDoesRead(byte[] bytes) {
        try {
            return ImageSetCodec.fromBytes(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
