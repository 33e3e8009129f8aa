"""Reference sampling: EDM's Heun sampler (18 steps, float64 state) over the same network in
inference mode, quantized to uint8 as EDM's generate.py saves images. Times `sampleCount` samples in
batches of `batchSize` after one warm-up batch, prints samples per second.

  python3 sample.py --config '{"model": {...}, "preconditioning": "edm", "channels": 1, "resolution": 16,
                               "labelDim": 0, "sampleCount": 256, "batchSize": 128, "numSteps": 18}'
"""
import time

from common import config_from_args, device, emit, setup, synchronize

config = config_from_args()
torch = setup(config)
import songunet  # noqa: E402

songunet.set_ops(config.get('referenceOps', 'fused'))

channels, resolution, label_dim = config['channels'], config['resolution'], config.get('labelDim', 0)
net = songunet.Precond(songunet.network(config['model'], channels, resolution, label_dim),
                       config['preconditioning'])
net.eval()
params = songunet.parameter_count(net)
count, batch = config['sampleCount'], config['batchSize']
sched = dict(num_steps=config.get('numSteps', 18), sigma_min=config.get('sigmaMin', 0.002),
             sigma_max=config.get('sigmaMax', 80), rho=config.get('rho', 7))


def sample(n, seed):
    # Drawn on the CPU (the same latents on every device), then moved to the run's device.
    generator = torch.Generator().manual_seed(seed)
    latents = torch.randn([n, channels, resolution, resolution], generator=generator, device='cpu').to(device(config))
    labels = torch.randint(0, label_dim, (n,), generator=generator, device='cpu').to(device(config)) \
        if label_dim else None
    x = songunet.heun_sampler(net, latents, labels, **sched)
    return (x * 127.5 + 128).clip(0, 255).to(torch.uint8)


with torch.no_grad():
    sample(min(batch, count), 12345)
    start = time.perf_counter()
    done = 0
    while done < count:
        n = min(batch, count - done)
        images = sample(n, done)
        done += n
    synchronize(torch)
    seconds = time.perf_counter() - start
emit({'bench': 'sample', 'value': count / seconds, 'unit': 'img/s', 'seconds': seconds, 'params': params, 'ops': config.get('referenceOps', 'fused'),
      'samples': count, 'batch': batch, 'checksum': int(images.to(torch.int64).sum())})
