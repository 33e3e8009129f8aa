package dev.emm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.spec.ResamplingMethod;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our LANCZOS resize equals Pillow 9.4's byte for byte. The expected bytes were written once by
 * Pillow itself (Debian 12's python3-pil 9.4.0) with {@code make_pillow_lanczos.py}, which lies
 * beside them in the test resources and says how to run it; CI needs no Python.
 */
class LanczosResizeTest {

    private static final int RESIZE = 0;
    private static final int CENTER_CROP = 1;
    private static final int PAD_TO_32 = 2;

    /** One image and what Pillow made of it; pixels row-major with channels interleaved, as Pillow's tobytes(). */
    record Case(int operation, int channels, int inWidth, int inHeight, int outWidth, int outHeight, byte[] input,
            byte[] expected) {
        @Override
        public String toString() {
            return List.of("resize", "center-crop", "pad-to-32").get(operation) + " " + (channels == 1 ? "L" : "RGB")
                    + " " + inWidth + "x" + inHeight + " -> " + outWidth + "x" + outHeight;
        }
    }

    static Stream<Case> pillowCases() throws IOException {
        try (InputStream resource = LanczosResizeTest.class.getResourceAsStream("pillow-lanczos.bin");
                DataInputStream in = new DataInputStream(resource)) {
            assertEquals("LANCZOS1", new String(in.readNBytes(8), StandardCharsets.US_ASCII));
            int count = in.readUnsignedShort();
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int operation = in.readUnsignedByte();
                int channels = in.readUnsignedByte();
                int inWidth = in.readUnsignedShort();
                int inHeight = in.readUnsignedShort();
                int outWidth = in.readUnsignedShort();
                int outHeight = in.readUnsignedShort();
                byte[] input = in.readNBytes(inWidth * inHeight * channels);
                byte[] expected = in.readNBytes(outWidth * outHeight * channels);
                cases.add(new Case(operation, channels, inWidth, inHeight, outWidth, outHeight, input, expected));
            }
            assertEquals(-1, in.read(), "trailing bytes after the last case");
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pillowCases")
    void equalsPillowByteForByte(Case c) {
        ImageSet image = new ImageSet(c.channels(), c.inHeight(), c.inWidth(), 1, new int[] {0},
                toPlanes(c.input(), c.channels(), c.inWidth(), c.inHeight()));
        byte[] planes = switch (c.operation()) {
            case RESIZE -> resizeEachPlane(image, c.outWidth(), c.outHeight());
            case CENTER_CROP -> Resampling.centerCropTo(image, c.outWidth()).pixels();
            case PAD_TO_32 -> Resampling.toResolution(image, c.outWidth(), ResamplingMethod.LANCZOS).pixels();
            default -> throw new IllegalStateException("unknown operation " + c.operation());
        };
        assertArrayEquals(c.expected(), toInterleaved(planes, c.channels(), c.outWidth(), c.outHeight()));
    }

    @Test
    void theCasesPinClippingAndDifferFromBlockAveraging() throws IOException {
        List<Case> cases = pillowCases().toList();
        assertEquals(17, cases.size());
        Case upscale = cases.get(9);
        assertEquals("resize L 12x12 -> 16x16", upscale.toString());
        // The filter's negative lobes overshoot: Pillow's output reaches 0 or 255 where no input does.
        assertEquals(0, extremes(upscale.input()));
        assertEquals(5, extremes(upscale.expected()));
        Case noise = cases.get(0);
        assertEquals("resize RGB 32x32 -> 16x16", noise.toString());
        ImageSet image = new ImageSet(3, 32, 32, 1, new int[] {0}, toPlanes(noise.input(), 3, 32, 32));
        byte[] area = toInterleaved(Resampling.toResolution(image, 16, ResamplingMethod.AREA).pixels(), 3, 16, 16);
        int differing = 0;
        for (int i = 0; i < area.length; i++) {
            differing += area[i] != noise.expected()[i] ? 1 : 0;
        }
        assertTrue(differing > area.length / 2, "pixels where area averaging differs from LANCZOS: " + differing);
    }

    private static int extremes(byte[] pixels) {
        int count = 0;
        for (byte b : pixels) {
            count += (b == 0 || b == (byte) 255) ? 1 : 0;
        }
        return count;
    }

    private static byte[] resizeEachPlane(ImageSet image, int outWidth, int outHeight) {
        int inPlane = image.height() * image.width();
        byte[] out = new byte[image.channels() * outWidth * outHeight];
        for (int ch = 0; ch < image.channels(); ch++) {
            byte[] plane = new byte[inPlane];
            System.arraycopy(image.pixels(), ch * inPlane, plane, 0, inPlane);
            byte[] resized = LanczosResize.resizePlane(plane, image.width(), image.height(), outWidth, outHeight);
            System.arraycopy(resized, 0, out, ch * outWidth * outHeight, outWidth * outHeight);
        }
        return out;
    }

    private static byte[] toPlanes(byte[] interleaved, int channels, int width, int height) {
        byte[] planes = new byte[interleaved.length];
        for (int p = 0; p < width * height; p++) {
            for (int ch = 0; ch < channels; ch++) {
                planes[ch * width * height + p] = interleaved[p * channels + ch];
            }
        }
        return planes;
    }

    private static byte[] toInterleaved(byte[] planes, int channels, int width, int height) {
        byte[] interleaved = new byte[planes.length];
        for (int p = 0; p < width * height; p++) {
            for (int ch = 0; ch < channels; ch++) {
                interleaved[p * channels + ch] = planes[ch * width * height + p];
            }
        }
        return interleaved;
    }
}
