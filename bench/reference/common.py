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
    return torch


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
    result['peakRssMb'] = round(peak_rss_mb(), 1)
    result['engine'] = 'PyTorch %s eager, %d threads' % (torch.__version__, torch.get_num_threads())
    sys.stdout.write(json.dumps(result) + '\n')
    sys.stdout.flush()
