"""Shared plumbing of the reference programs: thread settings, the config argument, the result line."""
import json
import os
import sys


def setup(config):
    """Thread settings first (inter-op threads must be set before any parallel work)."""
    import torch
    threads = int(config.get('threads') or os.cpu_count())
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(int(config.get('seed', 0)))
    if device(config) != 'cpu':
        # Factories without a device argument (parameters, the loss's draws, the sampler's schedule)
        # then allocate on that device, as EMM's engine does for a run there (PyTorch 2.0 and later).
        torch.set_default_device(device(config))
    return torch


def device(config):
    """Where the reference runs: 'cpu' (the default) or a torch device such as 'cuda'."""
    return config.get('device', 'cpu')


def synchronize(torch):
    """Waits for queued GPU work, so that a clock read after it covers the work (no-op on the CPU)."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def config_from_args():
    if len(sys.argv) != 3 or sys.argv[1] != '--config':
        sys.exit('usage: %s --config JSON' % sys.argv[0])
    return json.loads(sys.argv[2])


def peak_rss_mb():
    """VmHWM of this process (peak resident set), MiB."""
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024.0
    return float('nan')


def emit(result):
    """The one machine-readable line the bench driver reads (the last line of stdout)."""
    import torch
    result = dict(result)
    result.setdefault('side', 'reference')
    result.setdefault('device', str(torch.tensor(0.0).device))
    result['peakRssMb'] = round(peak_rss_mb(), 1)
    result['engine'] = 'PyTorch %s eager, %d threads' % (torch.__version__, torch.get_num_threads())
    sys.stdout.write(json.dumps(result) + '\n')
    sys.stdout.flush()
