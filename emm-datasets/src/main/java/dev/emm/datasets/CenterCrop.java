package dev.emm.datasets;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.Resampling;

/**
 * The import option {@code centerCrop}: the paper's {@code dataset_tool.py} {@code center_crop}
 * transform applied to one decoded image. A grayscale image is first repeated into three channels
 * (as it does), then the central square is LANCZOS-resized to the side ({@link Resampling#centerCropTo}).
 */
final class CenterCrop {

    private CenterCrop() {
    }

    static ImageDecoding.Decoded apply(ImageDecoding.Decoded image, int side) {
        byte[] chw = image.chw();
        if (image.channels() == 1) {
            int plane = chw.length;
            byte[] rgb = new byte[3 * plane];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(chw, 0, rgb, c * plane, plane);
            }
            chw = rgb;
        }
        ImageSet one = new ImageSet(3, image.height(), image.width(), 1, new int[1], chw);
        return new ImageDecoding.Decoded(3, side, side, Resampling.centerCropTo(one, side).pixels());
    }
}
