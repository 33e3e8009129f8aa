"""Checks EMM's exported weights against the reference SongUNet, family by family.

usage: check_export.py DIR [--tolerance 1e-5]

DIR holds, for each family NAME, `NAME.safetensors` (a snapshot exported by EMM under EDM's
state_dict names, with `edm.class_name` and `edm.init_kwargs` in its metadata) and `NAME.io.safetensors`
(inputs `x` [N, C, R, R] float32, `sigma` [N] float32, optional `labels` [N] int64, and EMM's denoiser
output `denoised` [N, C, R, R] float32). For each family the script builds the network the metadata
names (songunet.edm_precond), loads the weights by name with strict=True (a missing or unexpected key
fails), evaluates D(x; sigma, labels) in float32 with EDM's resampling ops, and prints one JSON line:
{"family", "keys", "parameters", "relDiff", "worstSigma", "maxAbsDiff", "maxAbsRef"} where relDiff is
the largest over the images of max|D_emm - D_ref| / max|D_ref| (each image against its own scale,
so that the large outputs at sigma = 80 do not hide the others), and the rest describe the image
where it occurs. Exit status 1 when any relDiff exceeds the tolerance.

Needs Debian's python3-torch and python3-numpy only (no safetensors package: the format is read here).
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import songunet  # noqa: E402

DTYPES = {'F32': np.float32, 'F64': np.float64, 'I64': np.int64, 'U8': np.uint8}


def load_safetensors(path):
    """(name -> torch tensor, metadata dict) of a safetensors file."""
    with open(path, 'rb') as f:
        data = f.read()
    (length,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + length].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    body = memoryview(data)[8 + length:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry['data_offsets']
        array = np.frombuffer(body[begin:end], dtype=np.dtype(DTYPES[entry['dtype']]).newbyteorder('<'))
        tensors[name] = torch.from_numpy(array.astype(DTYPES[entry['dtype']]).reshape(entry['shape']))
    return tensors, metadata


def check(directory, family):
    weights, metadata = load_safetensors(os.path.join(directory, family + '.safetensors'))
    io, _ = load_safetensors(os.path.join(directory, family + '.io.safetensors'))
    net = songunet.edm_precond(metadata['edm.class_name'], json.loads(metadata['edm.init_kwargs']))
    net.load_state_dict(weights, strict=True)
    net.eval()
    with torch.no_grad():
        reference = net(io['x'], io['sigma'], io.get('labels'))
    rows = reference.shape[0]
    diff = (io['denoised'] - reference).abs().reshape(rows, -1).max(dim=1).values
    scale = reference.abs().reshape(rows, -1).max(dim=1).values
    relative = diff / scale
    worst = int(relative.argmax())
    return {'family': family, 'keys': len(weights), 'parameters': songunet.parameter_count(net),
            'relDiff': relative.max().item(), 'worstSigma': io['sigma'][worst].item(),
            'maxAbsDiff': diff[worst].item(), 'maxAbsRef': scale[worst].item()}


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != '--tolerance'):
        sys.exit('usage: %s DIR [--tolerance 1e-5]' % argv[0])
    directory = argv[1]
    tolerance = float(argv[3]) if len(argv) == 4 else 1e-5
    torch.set_num_threads(1)
    songunet.set_ops('edm')
    families = sorted(name[:-len('.io.safetensors')] for name in os.listdir(directory)
                      if name.endswith('.io.safetensors'))
    if not families:
        sys.exit('no NAME.io.safetensors in %s' % directory)
    worst = 0.0
    for family in families:
        result = check(directory, family)
        worst = max(worst, result['relDiff'])
        print(json.dumps(result), flush=True)
    return 0 if worst <= tolerance else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
