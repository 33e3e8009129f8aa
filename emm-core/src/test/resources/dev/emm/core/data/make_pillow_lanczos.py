#!/usr/bin/python3
"""Writes pillow-lanczos.bin, the expected bytes of LanczosResizeTest.

Run once with Debian 12's python3-pil (Pillow 9.4.0, the version the paper's dataset_tool.py calls
PIL.Image.resize(..., LANCZOS) from):

    apt-get install -y python3-pil
    /usr/bin/python3 make_pillow_lanczos.py   # in this folder

Every case holds its input image and Pillow's output, so the Java test needs neither Python nor
the generator. Inputs are deterministic: a 32-bit LCG ("noise", which drives the filter's negative
lobes into clipping) or an integer formula ("smooth", gradients with a few hard edges). Operations:
0 = Image.resize((outW, outH), Image.LANCZOS); 1 = dataset_tool.py's center-crop transform
(crop the central min(W, H) square, offset floor((side - crop) / 2), then resize as 0); 2 = the
paper's MNIST path (open_mnist zero-pads 28x28 by 2 on every side to 32x32, then resize as 0).

Format, big-endian: b"LANCZOS1", uint16 case count, then per case: uint8 operation, uint8
channels (1 = mode L, 3 = RGB), uint16 inW, inH, outW, outH, inW*inH*channels input bytes, then
outW*outH*channels output bytes, both row-major with channels interleaved (Pillow's tobytes()).
"""
import struct

import PIL
import PIL.Image

assert PIL.__version__ == "9.4.0", PIL.__version__

RESIZE, CENTER_CROP, PAD_TO_32 = 0, 1, 2


def noise(width, height, channels, seed):
    state = seed
    out = bytearray()
    for _ in range(width * height * channels):
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        out.append((state >> 16) & 0xFF)
    return bytes(out)


def smooth(width, height, channels, seed):
    out = bytearray()
    for y in range(height):
        for x in range(width):
            for c in range(channels):
                value = (x * (9 + c) + y * (5 + 2 * c) + seed) * 255 // (width + height + 8)
                if (x // 5 + y // 7 + c) % 4 == 0:
                    value = 255 - value // 2
                out.append(value & 0xFF)
    return bytes(out)


CASES = [
    # (operation, channels, inW, inH, outW, outH, generator, seed)
    (RESIZE, 3, 32, 32, 16, 16, noise, 1),
    (RESIZE, 3, 32, 32, 16, 16, smooth, 2),
    (RESIZE, 3, 32, 32, 8, 8, noise, 3),
    (RESIZE, 3, 32, 32, 8, 8, smooth, 4),
    (RESIZE, 1, 32, 32, 16, 16, noise, 5),
    (RESIZE, 1, 32, 32, 8, 8, smooth, 6),
    (RESIZE, 1, 28, 28, 16, 16, smooth, 7),
    (RESIZE, 3, 28, 28, 16, 16, noise, 8),
    (RESIZE, 3, 40, 30, 20, 15, smooth, 9),
    (RESIZE, 1, 12, 12, 16, 16, noise, 10),
    (RESIZE, 3, 24, 24, 32, 32, smooth, 11),
    (CENTER_CROP, 3, 48, 40, 32, 32, noise, 12),
    (CENTER_CROP, 3, 27, 40, 32, 32, smooth, 13),
    (CENTER_CROP, 3, 64, 50, 16, 16, smooth, 14),
    (CENTER_CROP, 1, 45, 37, 8, 8, noise, 15),
    (PAD_TO_32, 1, 28, 28, 16, 16, smooth, 16),
    (PAD_TO_32, 1, 28, 28, 8, 8, noise, 17),
]


def main():
    with open("pillow-lanczos.bin", "wb") as out:
        out.write(b"LANCZOS1" + struct.pack(">H", len(CASES)))
        for operation, channels, in_w, in_h, out_w, out_h, generator, seed in CASES:
            mode = {1: "L", 3: "RGB"}[channels]
            pixels = generator(in_w, in_h, channels, seed)
            image = PIL.Image.frombytes(mode, (in_w, in_h), pixels)
            if operation == CENTER_CROP:
                crop = min(in_w, in_h)
                left, top = (in_w - crop) // 2, (in_h - crop) // 2
                image = image.crop((left, top, left + crop, top + crop))
            elif operation == PAD_TO_32:
                padded = PIL.Image.new(mode, (32, 32), 0)
                padded.paste(image, (2, 2))
                image = padded
            result = image.resize((out_w, out_h), PIL.Image.LANCZOS)
            assert result.size == (out_w, out_h) and result.mode == mode
            out.write(struct.pack(">BBHHHH", operation, channels, in_w, in_h, out_w, out_h))
            out.write(pixels)
            out.write(result.tobytes())


if __name__ == "__main__":
    main()
