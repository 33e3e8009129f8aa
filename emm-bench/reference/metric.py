"""Reference memorization metric, the way PyTorch code usually computes it: per batch of generated
samples, torch.cdist to all training images (float32; for these sizes cdist takes its matrix-product
path |x|^2 + |y|^2 - 2 x.y), then topk(2, largest=False); memorized iff d1 / d2 < 1/3.
Also measures the plain sgemm rate of this torch (its BLAS) on the metric's block shapes.

  python3 metric.py --config '{"samplesFile": "s.u8", "trainingFile": "t.u8", "samples": 10000,
                               "training": 50000, "dimension": 3072, "batch": 256}'
"""
import time

from common import config_from_args, emit, setup

config = config_from_args()
torch = setup(config)

n, m, d = config['samples'], config['training'], config['dimension']
batch = config.get('batch', 256)


def load(path, rows):
    with open(path, 'rb') as f:
        raw = bytearray(f.read())
    assert len(raw) == rows * d, (path, len(raw), rows * d)
    return torch.frombuffer(raw, dtype=torch.uint8).reshape(rows, d)


def sgemm_rate(rows, inner, cols, repeats=3):
    a, b = torch.rand(rows, inner), torch.rand(inner, cols)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2.0 * rows * inner * cols * repeats / (time.perf_counter() - start) / 1e9


generated_u8 = load(config['samplesFile'], n)
training_u8 = load(config['trainingFile'], m)

start = time.perf_counter()
generated = generated_u8.to(torch.float32)
training = training_u8.to(torch.float32)
d1, d2 = [], []
with torch.no_grad():
    for i in range(0, n, batch):
        dist = torch.cdist(generated[i:i + batch], training, p=2.0)
        top2, _ = torch.topk(dist, k=2, dim=1, largest=False)
        d1.append(top2[:, 0])
        d2.append(top2[:, 1])
d1, d2 = torch.cat(d1), torch.cat(d2)
memorized = int((d1 / d2 < 1 / 3).sum())
seconds = time.perf_counter() - start

shapes = config.get('sgemmShapes') or [[batch, d, m], [1024, d, 2048]]
rates = {'%dx%dx%d' % tuple(s): round(sgemm_rate(*s), 1) for s in shapes}
emit({'bench': 'metric', 'value': seconds, 'unit': 's', 'seconds': seconds, 'memorized': memorized,
      'gflops': round(2.0 * n * m * d / seconds / 1e9, 1), 'sgemm': rates,
      'sgemmBest': max(rates.values())})
