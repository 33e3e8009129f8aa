"""Reference training step: the same network, preconditioning, loss, Adam (PyTorch's rule, L2 weight
decay), learning-rate ramp-up and EMA as EMM's TrainingRun, in PyTorch eager. Times `steps` optimizer
steps after `warmupSteps`, prints images per second.

  python3 train.py --config '{"model": {...}, "training": {...}, "channels": 1, "resolution": 16,
                              "labelDim": 0, "datasetSize": 1024, "warmupSteps": 5, "steps": 20}'
"""
import time

from common import config_from_args, device, emit, setup

config = config_from_args()
torch = setup(config)
import songunet  # noqa: E402  (after the thread settings)

ops = config.get('referenceOps', 'fused')
songunet.set_ops(ops)

model, training = config['model'], config['training']
channels, resolution, label_dim = config['channels'], config['resolution'], config.get('labelDim', 0)
batch = training['batchSize']
kind = training['preconditioning']

net = songunet.Precond(songunet.network(model, channels, resolution, label_dim), kind)
net.train()
params = songunet.parameter_count(net)
size = config['datasetSize']
# Warm-up and half-life in images, whichever unit the spec gives them in (the rate and the decay only
# change numbers, not the work a step does; the mode and the kimg truncation do not matter here).
warmup_images = training.get('warmupImages') or (training.get('warmupEpochs') or 0) * size
ema_half_life = training.get('emaHalfLifeImages') or (training.get('emaHalfLifeEpochs') or 0) * size
ema = None
if ema_half_life > 0 or (training.get('emaDecay') or 0) > 0 or training.get('emaMode') == 'mode3':
    ema = [p.detach().clone() for p in net.parameters()]
optimizer = torch.optim.Adam(net.parameters(), lr=training['learningRate'],
                             betas=(training['adamBeta1'], training['adamBeta2']), eps=training['adamEps'],
                             weight_decay=training['weightDecay'])

# The training set: uint8 images scaled to [-1, 1] once, as TrainingRun uploads them.
# Drawn on the CPU (same data on every device), then moved to the run's device.
generator = torch.Generator().manual_seed(0)
data = (torch.randint(0, 256, (size, channels, resolution, resolution), generator=generator,
                      dtype=torch.uint8, device='cpu').to(torch.float32) / 127.5 - 1).to(device(config))
labels = torch.randint(0, label_dim, (size,), generator=generator, device='cpu').to(device(config)) \
    if label_dim else None
chw = channels * resolution * resolution

images_seen = 0
order = torch.randperm(size)
position = 0
loss_sum = torch.zeros(())


def next_batch():
    global order, position
    picked, count = [], 0
    while count < batch:
        if position == size:
            order, position = torch.randperm(size), 0
        take = min(batch - count, size - position)
        picked.append(order[position:position + take])
        position += take
        count += take
    return torch.cat(picked)


def step():
    global images_seen, loss_sum
    idx = next_batch()
    y = data[idx]
    lab = labels[idx] if labels is not None else None
    lr = training['learningRate']
    if warmup_images:
        lr *= min(images_seen / warmup_images, 1.0)
    for g in optimizer.param_groups:
        g['lr'] = lr
    optimizer.zero_grad(set_to_none=True)
    loss = songunet.loss(net, kind, y, lab).sum().mul(1.0 / batch)
    loss.backward()
    for p in net.parameters():
        if p.grad is not None:
            torch.nan_to_num(p.grad, nan=0, posinf=1e5, neginf=-1e5, out=p.grad)
    optimizer.step()
    if ema is not None:
        if ema_half_life > 0:
            half = min(ema_half_life, images_seen * 0.05)
            beta = 0.5 ** (batch / max(half, 1e-8))
        else:
            beta = training.get('emaDecay') or 0.5 ** (batch / 500 / 1000)
        with torch.no_grad():
            for p_ema, p in zip(ema, net.parameters()):
                p_ema.copy_(p.detach().lerp(p_ema, beta))
    loss_sum += loss.detach() / chw
    images_seen += batch


for _ in range(config['warmupSteps']):
    step()
start = time.perf_counter()
for _ in range(config['steps']):
    step()
float(loss_sum)
seconds = time.perf_counter() - start
emit({'bench': 'train', 'value': config['steps'] * batch / seconds, 'unit': 'img/s', 'seconds': seconds,
      'params': params, 'ops': config.get('referenceOps', 'fused'), 'batch': batch, 'steps': config['steps'], 'loss': float(loss_sum)})
