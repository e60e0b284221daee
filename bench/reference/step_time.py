"""Times the DeblurSDI joint training step in PyTorch for the configs of bench/speed_configs.ts, and writes
an entry in the format of results/speed.json (bench/speed_report.ts), to compare with `npm run bench:speed`.

  python3 bench/reference/step_time.py [--configs centre|all|N-d-k,...] [--steps 5] [--tf32] [--device cuda]
                                       [--out speed-torch.json]

Per config: 2 warm-up steps, then --steps timed steps (zero_grad, loss, backward, Adam step, loss.item()),
then --steps forward-only loss evaluations (torch.no_grad, loss.item()); each timed with
torch.cuda.synchronize() before and after; medians reported. Strict fp32 by default (TF32 off for convs and
matmuls); --tf32 allows TF32 (PyTorch's default for cuDNN convs) and labels the backend `cuda-tf32`.
cudnn.benchmark is on (as in ../shared/reference), eager mode, no torch.compile.
step GFLOP/s assume backward = 2x forward FLOPs (step = 3x forward), as bench/speed.ts.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from sdi_step import JointStep, forward_flops  # noqa: E402

WARMUP = 2
ALL = [(64, 32, 31), (128, 32, 31), (256, 32, 31), (256, 16, 31), (256, 64, 31), (256, 32, 15), (256, 32, 63)]
CENTRE = (256, 32, 31)
DESCRIPTION = ('Full joint DeblurSDI training step (loss = ‖blurValid(unet(x̂), kgen(ẑ)) − y‖² + prior, gradients of both networks, '
               'two Adam steps, loss read back), written by `npm run bench:speed` (tfjs) and bench/reference/step_time.py (PyTorch). '
               'Times are medians in ms. GFLOP/s: analytic forward FLOPs (bench/flops.ts: 2·MACs of convs, NonLocal matmuls, blur, '
               'kernel MLP) over measured time; step GFLOP/s assumes backward ≈ 2× forward FLOPs (step ≈ 3× forward).')


def parse_configs(spec):
    if spec in ('centre', 'center'):
        return [CENTRE]
    if spec == 'all':
        return list(ALL)
    out = []
    for part in filter(None, (p.strip() for p in spec.split(','))):
        m = re.fullmatch(r'(\d+)-(\d+)-(\d+)', part)
        if not m:
            sys.exit(f"step_time: --configs: '{part}' is not centre, all or image-width-kernel such as 256-32-31")
        c = tuple(int(v) for v in m.groups())
        if c not in out:
            out.append(c)
    return out


def machine():
    cpu, mem = platform.processor() or 'unknown', 0
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
        for line in open('/proc/meminfo'):
            if line.startswith('MemTotal'):
                mem = round(int(line.split()[1]) / 2 ** 20)
                break
    except OSError:
        pass
    return {'cpu': cpu, 'cores': os.cpu_count(), 'memoryGiB': mem, 'python': platform.python_version(),
            'platform': f'{sys.platform}-{platform.machine()}'}


def sync(device):
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def timed(fn, device):
    """(wall ms, process CPU ms) of fn(), synchronised before and after."""
    sync(device)
    c0, t0 = time.process_time(), time.perf_counter()
    value = fn()
    sync(device)
    ms, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    if value != value or value in (float('inf'), float('-inf')):
        raise RuntimeError(f'loss {value}')
    return ms, cpu


def load1():
    return round(os.getloadavg()[0], 2)


def time_config(image, width, kernel, steps, device):
    load_start = load1()
    job = JointStep(image, width, kernel, device)
    for _ in range(WARMUP):
        timed(job.step, device)
    step_t = [timed(job.step, device) for _ in range(steps)]
    timed(job.forward_only, device)
    fwd_t = [timed(job.forward_only, device) for _ in range(steps)]
    step_ms, fwd_ms = [t[0] for t in step_t], [t[0] for t in fwd_t]
    flops = forward_flops(image, width, kernel)
    step, fwd = statistics.median(step_ms), statistics.median(fwd_ms)
    params = job.params
    del job
    if device.startswith('cuda'):
        torch.cuda.empty_cache()
    return {
        'id': f'{image}-{width}-{kernel}', 'image': image, 'support': image + kernel - 1, 'width': width, 'kernel': kernel,
        'parameters': params, 'forwardGflop': {k: round(v / 1e9, 4) for k, v in flops.items()},
        'stepMs': round(step, 3), 'forwardMs': round(fwd, 3),
        'stepCpuMs': round(statistics.median(t[1] for t in step_t), 3), 'forwardCpuMs': round(statistics.median(t[1] for t in fwd_t), 3), 'backwardOverForward': round((step - fwd) / fwd, 3),
        'forwardGflops': round(flops['total'] / fwd / 1e6, 3), 'stepGflops': round(3 * flops['total'] / step / 1e6, 3),
        'stepMsAll': [round(v, 3) for v in step_ms], 'forwardMsAll': [round(v, 3) for v in fwd_ms],
        'loadAverage1': [load_start, load1()],
    }


def entry_key(e):
    m = e['machine']
    threads = e['threads']
    return ' | '.join([e['date'][:10], f"{m['cpu']} ×{m['cores']}", e.get('accelerator') or 'no accelerator',
                       f"{e['implementation']}-{e['backend']}", f"{threads} thread{'' if threads == 1 else 's'}"])


def save(out, entry):
    data = {'description': DESCRIPTION, 'entries': []}
    if os.path.exists(out):
        with open(out, encoding='utf-8') as f:
            data = json.load(f)
    data['entries'] = [e for e in data.get('entries', []) if entry_key(e) != entry['key']] + [entry]
    data['description'] = DESCRIPTION
    tmp = f'{out}.tmp-{os.getpid()}'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write('\n')
    os.replace(tmp, out)


def print_table(rows):
    head = ['config', 'support', 'step ms', 'forward ms', 'bwd/fwd', 'fwd GFLOP', 'fwd GFLOP/s', 'step GFLOP/s']
    print('  '.join(f'{h:>12}' for h in head))
    for r in rows:
        cells = [r['id'], f"{r['support']}²", f"{r['stepMs']:.2f}", f"{r['forwardMs']:.2f}", f"{r['backwardOverForward']:.2f}",
                 f"{r['forwardGflop']['total']:.2f}", f"{r['forwardGflops']:.1f}", f"{r['stepGflops']:.1f}"]
        print('  '.join(f'{c:>12}' for c in cells), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--configs', default='all')
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--tf32', action='store_true', help='allow TF32 in convs and matmuls (default: strict fp32)')
    ap.add_argument('--device', default='cuda')
    ap.add_argument('--out', default=None, help='speed JSON file to merge the entry into')
    a = ap.parse_args()
    if a.steps < 1:
        sys.exit('step_time: --steps must be >= 1')
    if a.device.startswith('cuda') and not torch.cuda.is_available():
        sys.exit('step_time: CUDA is not available (use --device cpu to time on the CPU)')
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    configs = parse_configs(a.configs)
    load_start = [round(v, 2) for v in os.getloadavg()]
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')
    rows = []
    cuda = a.device.startswith('cuda')
    started = time.perf_counter()
    if cuda:
        torch.zeros(1, device=a.device).sum().item()
        print(f'  CUDA initialised in {time.perf_counter() - started:.1f} s', flush=True)

    def entry_of():
        e = {
            'key': '', 'date': date, 'machine': machine(), 'implementation': 'pytorch',
            'backend': ('cuda' + ('-tf32' if a.tf32 else '')) if cuda else 'cpu', 'threads': 1 if cuda else torch.get_num_threads(),
            'backendReason': 'eager, cudnn.benchmark, ' + ('TF32 allowed' if a.tf32 else 'strict fp32 (TF32 off)') if cuda else 'eager',
            'software': {'torch': torch.__version__, 'cuda': str(torch.version.cuda), 'cudnn': str(torch.backends.cudnn.version()), 'python': platform.python_version()},
            'loadAverage': {'start': load_start, 'end': [round(v, 2) for v in os.getloadavg()]},
            'warmupSteps': WARMUP, 'timedSteps': a.steps,
            'notes': ['Step = zero_grad, loss, backward, Adam (two parameter groups), loss.item(); forward = loss under no_grad, .item(); torch.cuda.synchronize around each.'],
            'configs': rows,
        }
        if cuda:
            e['accelerator'] = torch.cuda.get_device_name(0)
        e['key'] = entry_key(e)
        return e

    for c in configs:
        t0 = time.perf_counter()
        rows.append(time_config(*c, a.steps, a.device))
        r = rows[-1]
        print(f"  {r['id']}: step {r['stepMs']:.2f} ms, forward {r['forwardMs']:.2f} ms "
              f"(config took {time.perf_counter() - t0:.1f} s, warm-up and autotuning included)", flush=True)
        if a.out:  # after every config, so a run cut short keeps what it measured
            save(a.out, entry_of())
    entry = entry_of()
    print(f"\npytorch {entry['backend']}{' on ' + entry['accelerator'] if cuda else ''}:")
    print_table(rows)
    if a.out:
        print(f'wrote {a.out}')
    else:
        print(json.dumps(entry, ensure_ascii=False))


if __name__ == '__main__':
    main()
