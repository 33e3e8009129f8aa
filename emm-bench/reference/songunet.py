"""The reference side of the benchmarks and of the export check: EDM's SongUNet (DDPM++ / NCSN++),
its preconditionings and losses, in plain PyTorch eager, written the way EDM's PyTorch code computes
each step (group_norm, conv_transpose2d / strided conv2d for the FIR resampling, einsum attention,
x @ W^T linears).

This is an independent implementation of the published architecture (Karras et al. 2022, "Elucidating
the Design Space of Diffusion-Based Generative Models"; Song et al. 2021); no EDM code is copied. Its
modules, arguments and state_dict keys are EDM's (training/networks.py: SongUNet's keyword arguments,
`map_noise.freqs`, `enc.32x32_conv.weight`, `dec.16x16_block2.qkv.weight`, each resampling
convolution's `resample_filter` buffer), so weights exported from EMM (`./emm export`, safetensors)
load into it, and into EDM's own VPPrecond / VEPrecond / EDMPrecond, with strict=True. Skip
connections can be switched off as in DiffMemorize (`skip_connections`, one 0/1 flag per encoder
output; a disabled skip feeds zeros of the same shape). Encoder types 'standard' and 'residual',
decoder type 'standard' (what DDPM++ and NCSN++ use). The layer list, widths and parameter count
equal the Java network for the same arguments; the bench checks the counts on every run.

Runs on Debian's python3-torch (1.13, CPU).
"""
import math

import torch
import torch.nn.functional as F


# ops='fused' (default): the [1, 1] resampling filter runs as avg_pool2d / nearest interpolate, the
# same shortcut the Java network takes. ops='edm': every resampling as EDM's code writes it
# (depthwise conv2d / conv_transpose2d with the filter), which PyTorch 1.13 runs much slower on a CPU.
BOX_SHORTCUT = True


def set_ops(ops):
    global BOX_SHORTCUT
    assert ops in ('fused', 'edm'), ops
    BOX_SHORTCUT = ops == 'fused'


def silu(x):
    return F.silu(x)


def init_weight(shape, fan_in, fan_out, scale):
    """xavier_uniform times scale (SongUNet uses xavier_uniform everywhere)."""
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return (torch.rand(*shape) * 2 - 1) * bound * scale


class Linear(torch.nn.Module):
    def __init__(self, cin, cout, bias=True, scale=1.0):
        super().__init__()
        self.in_features = cin
        self.weight = torch.nn.Parameter(init_weight([cout, cin], cin, cout, scale))
        self.bias = torch.nn.Parameter(torch.zeros(cout)) if bias else None

    def forward(self, x):
        x = x @ self.weight.t()
        if self.bias is not None:
            x = x.add_(self.bias)
        return x


class Conv2d(torch.nn.Module):
    """Convolution with optional FIR up/down resampling (unfused: resample, then convolve;
    fused down: convolve with widened padding, then filter with stride 2)."""

    def __init__(self, cin, cout, kernel, bias=True, up=False, down=False, resample_filter=(1, 1),
                 fused_resample=False, scale=1.0):
        super().__init__()
        self.in_channels = cin
        self.out_channels = cout
        self.up = up
        self.down = down
        self.fused = fused_resample
        fan_in, fan_out = cin * kernel * kernel, cout * kernel * kernel
        self.weight = torch.nn.Parameter(init_weight([cout, cin, kernel, kernel], fan_in, fan_out, scale)) \
            if kernel else None
        self.bias = torch.nn.Parameter(torch.zeros(cout)) if kernel and bias else None
        f = torch.as_tensor(resample_filter, dtype=torch.float32)
        f = torch.outer(f, f)[None, None] / f.sum().square()
        self.register_buffer('resample_filter', f if (up or down) else None)

    def forward(self, x):
        w, b, f = self.weight, self.bias, self.resample_filter
        w_pad = w.shape[-1] // 2 if w is not None else 0
        f_pad = (f.shape[-1] - 1) // 2 if f is not None else 0
        if self.fused and self.down and w is not None:
            x = F.conv2d(x, w, padding=w_pad + f_pad)
            x = F.conv2d(x, f.tile([self.out_channels, 1, 1, 1]), groups=self.out_channels, stride=2)
        elif BOX_SHORTCUT and self.resample_filter is not None and tuple(f.shape[-2:]) == (2, 2) \
                and bool((f == f.flatten()[0]).all()):
            # The [1, 1] filter is exactly nearest-neighbour 2x up and 2x2 average pooling down;
            # EMM's Java network runs those fused ops too (Resample.isBox).
            if self.up:
                x = F.interpolate(x, scale_factor=2, mode='nearest')
            if self.down:
                x = F.avg_pool2d(x, 2)
            if w is not None:
                x = F.conv2d(x, w, padding=w_pad)
        else:
            if self.up:
                x = F.conv_transpose2d(x, f.mul(4).tile([self.in_channels, 1, 1, 1]), groups=self.in_channels,
                                       stride=2, padding=f_pad)
            if self.down:
                x = F.conv2d(x, f.tile([self.in_channels, 1, 1, 1]), groups=self.in_channels, stride=2,
                             padding=f_pad)
            if w is not None:
                x = F.conv2d(x, w, padding=w_pad)
        if b is not None:
            x = x.add_(b.reshape(1, -1, 1, 1))
        return x


class GroupNorm(torch.nn.Module):
    def __init__(self, channels, eps, groups=32, min_per_group=4):
        super().__init__()
        self.groups = max(1, min(groups, channels // min_per_group))
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.ones(channels))
        self.bias = torch.nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return F.group_norm(x, self.groups, self.weight, self.bias, self.eps)


class UNetBlock(torch.nn.Module):
    """norm0-silu-conv0(resample), + affine(emb), norm1-silu-dropout-conv1, + skip, x skip_scale,
    then single-head self-attention when enabled (adaptive_scale off, resample_proj on)."""

    def __init__(self, cin, cout, emb, up=False, down=False, attention=False, dropout=0.0,
                 skip_scale=math.sqrt(0.5), eps=1e-6, resample_filter=(1, 1)):
        super().__init__()
        self.in_channels = cin
        self.out_channels = cout
        self.dropout = dropout
        self.skip_scale = skip_scale
        self.norm0 = GroupNorm(cin, eps)
        self.conv0 = Conv2d(cin, cout, 3, up=up, down=down, resample_filter=resample_filter)
        self.affine = Linear(emb, cout)
        self.norm1 = GroupNorm(cout, eps)
        self.conv1 = Conv2d(cout, cout, 3, scale=1e-5)
        self.skip = Conv2d(cin, cout, 1, up=up, down=down, resample_filter=resample_filter) \
            if (cin != cout or up or down) else None
        self.attention = attention
        if attention:
            self.norm2 = GroupNorm(cout, eps)
            self.qkv = Conv2d(cout, cout * 3, 1, scale=math.sqrt(0.2))
            self.proj = Conv2d(cout, cout, 1, scale=1e-5)

    def forward(self, x, emb):
        orig = x
        x = self.conv0(silu(self.norm0(x)))
        params = self.affine(emb).unsqueeze(2).unsqueeze(3)
        x = silu(self.norm1(x.add_(params)))
        x = self.conv1(F.dropout(x, p=self.dropout, training=self.training))
        x = x.add_(self.skip(orig) if self.skip is not None else orig)
        x = x * self.skip_scale
        if self.attention:
            n, c = x.shape[0], x.shape[1]
            q, k, v = self.qkv(self.norm2(x)).reshape(n, c, 3, -1).unbind(2)
            w = torch.einsum('ncq,nck->nqk', q, k / math.sqrt(c)).softmax(dim=2)
            a = torch.einsum('nqk,nck->ncq', w, v)
            x = self.proj(a.reshape(*x.shape)).add_(x)
            x = x * self.skip_scale
        return x


class PositionalEmbedding(torch.nn.Module):
    """DDPM++'s noise embedding, [cos(c f), sin(c f)] with f_i = (1/10000)^(i / (n/2 - 1)) (endpoint on)."""

    def __init__(self, num_channels, max_positions=10000):
        super().__init__()
        self.num_channels = num_channels
        self.max_positions = max_positions

    def forward(self, x):
        freqs = torch.arange(self.num_channels // 2, dtype=torch.float32) / (self.num_channels // 2 - 1)
        freqs = (1 / self.max_positions) ** freqs
        x = torch.outer(x, freqs.to(x.dtype))
        return torch.cat([x.cos(), x.sin()], dim=1)


class FourierEmbedding(torch.nn.Module):
    """NCSN++'s noise embedding, [cos(c 2 pi f), sin(c 2 pi f)], f ~ N(0, 16^2) a stored buffer `freqs`."""

    def __init__(self, num_channels, scale=16):
        super().__init__()
        self.register_buffer('freqs', torch.randn(num_channels // 2) * scale)

    def forward(self, x):
        x = torch.outer(x, (2 * math.pi * self.freqs).to(x.dtype))
        return torch.cat([x.cos(), x.sin()], dim=1)


class SongUNet(torch.nn.Module):
    """EDM's SongUNet with EDM's keyword arguments (and DiffMemorize's skip_connections)."""

    def __init__(self, img_resolution, in_channels, out_channels, label_dim=0, augment_dim=0, model_channels=128,
                 channel_mult=(1, 2, 2, 2), channel_mult_emb=4, num_blocks=4, attn_resolutions=(16,), dropout=0.10,
                 label_dropout=0, embedding_type='positional', channel_mult_noise=1, encoder_type='standard',
                 decoder_type='standard', resample_filter=(1, 1), skip_connections=None):
        assert embedding_type in ('fourier', 'positional'), embedding_type
        assert encoder_type in ('standard', 'residual'), 'encoder_type %r is not implemented here' % encoder_type
        assert decoder_type == 'standard', 'decoder_type %r is not implemented here' % decoder_type
        assert augment_dim == 0 and label_dropout == 0, 'augmentation labels and label dropout are not used by EMM'
        super().__init__()
        resolution = img_resolution
        emb = model_channels * channel_mult_emb
        noise = model_channels * channel_mult_noise
        self.map_noise = PositionalEmbedding(noise) if embedding_type == 'positional' else FourierEmbedding(noise)
        self.map_label = Linear(label_dim, noise) if label_dim else None
        self.map_layer0 = Linear(noise, emb)
        self.map_layer1 = Linear(emb, emb)
        kw = dict(emb=emb, dropout=dropout, resample_filter=resample_filter)

        self.enc = torch.nn.ModuleDict()
        cout = caux = in_channels
        for level, mult in enumerate(channel_mult):
            res = resolution >> level
            if level == 0:
                cin, cout = cout, model_channels
                self.enc[f'{res}x{res}_conv'] = Conv2d(cin, cout, 3)
            else:
                self.enc[f'{res}x{res}_down'] = UNetBlock(cout, cout, down=True, **kw)
                if encoder_type == 'residual':
                    self.enc[f'{res}x{res}_aux_residual'] = Conv2d(caux, cout, 3, down=True,
                                                                   resample_filter=resample_filter,
                                                                   fused_resample=True)
                    caux = cout
            for idx in range(num_blocks):
                cin, cout = cout, model_channels * mult
                self.enc[f'{res}x{res}_block{idx}'] = UNetBlock(cin, cout, attention=res in attn_resolutions, **kw)
        skips = [b.out_channels for name, b in self.enc.items() if 'aux' not in name]
        count = len(skips)
        flags = list(skip_connections) if skip_connections else [1] * count
        assert len(flags) == count, 'skip_connections has %d flags, the network has %d skips' % (len(flags), count)
        self.skip_enabled = [bool(f) for f in flags]

        self.dec = torch.nn.ModuleDict()
        for level, mult in reversed(list(enumerate(channel_mult))):
            res = resolution >> level
            if level == len(channel_mult) - 1:
                self.dec[f'{res}x{res}_in0'] = UNetBlock(cout, cout, attention=True, **kw)
                self.dec[f'{res}x{res}_in1'] = UNetBlock(cout, cout, **kw)
            else:
                self.dec[f'{res}x{res}_up'] = UNetBlock(cout, cout, up=True, **kw)
            for idx in range(num_blocks + 1):
                cin, cout = cout + skips.pop(), model_channels * mult
                self.dec[f'{res}x{res}_block{idx}'] = UNetBlock(
                    cin, cout, attention=(idx == num_blocks and res in attn_resolutions), **kw)
            if level == 0:
                self.dec[f'{res}x{res}_aux_norm'] = GroupNorm(cout, 1e-6)
                self.dec[f'{res}x{res}_aux_conv'] = Conv2d(cout, out_channels, 3, scale=1e-5)

    def forward(self, x, noise_labels, class_labels=None):
        """class_labels: one-hot rows [N, label_dim] (EDM's convention), or None."""
        emb = self.map_noise(noise_labels)
        emb = emb.reshape(emb.shape[0], 2, -1).flip(1).reshape(*emb.shape)  # SongUNet's sin/cos swap
        if self.map_label is not None:
            onehot = class_labels if class_labels is not None else torch.zeros(1, self.map_label.in_features)
            emb = emb + self.map_label(onehot * math.sqrt(self.map_label.in_features))
        emb = silu(self.map_layer0(emb))
        emb = silu(self.map_layer1(emb))

        skips = []
        aux = x
        for name, block in self.enc.items():
            if 'aux_residual' in name:
                x = skips[-1] = aux = (x + block(aux)) / math.sqrt(2)
            else:
                x = block(x, emb) if isinstance(block, UNetBlock) else block(x)
                skips.append(x)
        for i, enabled in enumerate(self.skip_enabled):
            if not enabled:
                skips[i] = torch.zeros_like(skips[i])

        out = None
        tmp = None
        for name, block in self.dec.items():
            if 'aux_norm' in name:
                tmp = block(x)
            elif 'aux_conv' in name:
                out = block(silu(tmp))
            else:
                if x.shape[1] != block.in_channels:
                    x = torch.cat([x, skips.pop()], dim=1)
                x = block(x, emb)
        return out


def network(model, channels, resolution, label_dim=0):
    """The network for a model spec dict (EMM's ModelSpec JSON, defaults applied), as Networks.config maps it."""
    ncsn = model['kind'] == 'ncsnpp'
    levels, blocks = len(model['channelMult']), model['numBlocks']
    flags = model.get('skipConnections')
    if flags is not None and len(flags) != levels * (blocks + 1):
        # as Networks.skipFlags: 9 flags map onto another architecture only when all are on
        assert all(flags), 'switching skips off needs one flag per skip connection'
        flags = None
    return SongUNet(resolution, channels, channels, label_dim, model_channels=model['modelChannels'],
                    channel_mult=model['channelMult'], channel_mult_emb=4, num_blocks=blocks,
                    attn_resolutions=model['attnResolutions'], dropout=model['dropout'],
                    embedding_type=model['embeddingType'], channel_mult_noise=2 if ncsn else 1,
                    encoder_type='residual' if ncsn else 'standard',
                    resample_filter=(1, 3, 3, 1) if ncsn else (1, 1),
                    skip_connections=[int(f) for f in flags] if flags is not None else None)


PRECOND_KINDS = {'training.networks.VPPrecond': 'vp', 'training.networks.VEPrecond': 've',
                 'training.networks.EDMPrecond': 'edm'}


def edm_precond(class_name, init_kwargs):
    """The preconditioned network EDM's construct_class_by_name(class_name, **init_kwargs) would build."""
    kw = dict(init_kwargs)
    resolution, channels, label_dim = kw.pop('img_resolution'), kw.pop('img_channels'), kw.pop('label_dim', 0)
    assert not kw.pop('use_fp16', False), 'float32 only'
    assert kw.pop('model_type', 'SongUNet') == 'SongUNet'
    net = SongUNet(resolution, channels, channels, label_dim, **kw)
    return Precond(net, PRECOND_KINDS[class_name])


def parameter_count(net):
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


# ---- preconditioning and loss (EDM's VP, VE and EDM) ----

VP_BETA_D, VP_BETA_MIN, VP_M, VP_EPS_T = 19.9, 0.1, 1000, 1e-5
SIGMA_DATA = 0.5


def vp_sigma(t):
    return ((0.5 * VP_BETA_D * (t ** 2) + VP_BETA_MIN * t).exp() - 1).sqrt()


def vp_sigma_inv(sigma):
    return ((VP_BETA_MIN ** 2 + 2 * VP_BETA_D * (1 + sigma ** 2).log()).sqrt() - VP_BETA_MIN) / VP_BETA_D


class Precond(torch.nn.Module):
    """D(x; sigma) = c_skip x + c_out F(c_in x; c_noise), as EDM's VPPrecond / VEPrecond / EDMPrecond; the
    network is the attribute `model`, so the state_dict keys are EDM's ('model.enc.32x32_conv.weight').
    Class labels: int64 [N] or one-hot [N, label_dim]."""

    def __init__(self, net, kind):
        super().__init__()
        self.model = net
        self.kind = kind

    def forward(self, x, sigma, class_labels=None):
        x = x.to(torch.float32)
        sigma = sigma.to(torch.float32).reshape(-1, 1, 1, 1)
        if self.kind == 'vp':
            c_skip, c_out = 1, -sigma
            c_in = 1 / (sigma ** 2 + 1).sqrt()
            c_noise = (VP_M - 1) * vp_sigma_inv(sigma)
        elif self.kind == 've':
            c_skip, c_out, c_in = 1, sigma, 1
            c_noise = (0.5 * sigma).log()
        else:
            c_skip = SIGMA_DATA ** 2 / (sigma ** 2 + SIGMA_DATA ** 2)
            c_out = sigma * SIGMA_DATA / (sigma ** 2 + SIGMA_DATA ** 2).sqrt()
            c_in = 1 / (SIGMA_DATA ** 2 + sigma ** 2).sqrt()
            c_noise = sigma.log() / 4
        if class_labels is not None and not class_labels.is_floating_point():
            class_labels = F.one_hot(class_labels, self.model.map_label.in_features)
        if class_labels is not None:
            class_labels = class_labels.to(torch.float32)
        f = self.model(c_in * x, c_noise.flatten(), class_labels)
        return c_skip * x + c_out * f.to(torch.float32)


def loss(net, kind, images, labels=None):
    """EDM's per-pixel loss weight(sigma) * (D(y + n; sigma) - y)^2 (VPLoss, VELoss, EDMLoss)."""
    shape = [images.shape[0], 1, 1, 1]
    if kind == 'vp':
        sigma = vp_sigma(1 + torch.rand(shape) * (VP_EPS_T - 1))
        weight = 1 / sigma ** 2
    elif kind == 've':
        sigma = 0.02 * (100 / 0.02) ** torch.rand(shape)
        weight = 1 / sigma ** 2
    else:
        sigma = (torch.randn(shape) * 1.2 - 1.2).exp()
        weight = (sigma ** 2 + SIGMA_DATA ** 2) / (sigma * SIGMA_DATA) ** 2
    n = torch.randn_like(images) * sigma
    d = net(images + n, sigma, labels)
    return weight * ((d - images) ** 2)


def heun_sampler(net, latents, class_labels=None, num_steps=18, sigma_min=0.002, sigma_max=80, rho=7):
    """EDM's deterministic Heun sampler (churn 0) with float64 state, as EDM's edm_sampler runs it."""
    steps = torch.arange(num_steps, dtype=torch.float64)
    t_steps = (sigma_max ** (1 / rho) + steps / (num_steps - 1) * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    t_steps = torch.cat([t_steps, torch.zeros_like(t_steps[:1])])
    x_next = latents.to(torch.float64) * t_steps[0]
    for i, (t_cur, t_next) in enumerate(zip(t_steps[:-1], t_steps[1:])):
        x_hat, t_hat = x_next, t_cur
        denoised = net(x_hat, t_hat.expand(x_hat.shape[0]), class_labels).to(torch.float64)
        d_cur = (x_hat - denoised) / t_hat
        x_next = x_hat + (t_next - t_hat) * d_cur
        if i < num_steps - 1:
            denoised = net(x_next, t_next.expand(x_hat.shape[0]), class_labels).to(torch.float64)
            d_prime = (x_next - denoised) / t_next
            x_next = x_hat + (t_next - t_hat) * (0.5 * d_cur + 0.5 * d_prime)
    return x_next
