"""Runs the PyTorch reading of DeblurSDI (../shared/reference/deblursdi_torch.py, carried to the GPU machine)
on Levin images at a given schedule and writes, per image, what `npm run bench:quality -- --import DIR`
scores here with the project's own metrics:

  DIR/<id>.png          the image estimate, 16-bit grayscale PNG (the reference's valid-support crop)
  DIR/<id>_kernel.txt   the kernel estimate (true-convolution orientation, rows of numbers, sums to 1)
  DIR/<id>.json         {seconds, T, S, seed, final_loss, device, torch}

  python3 bench/gpu/reference_quality.py --reference DIR_WITH_deblursdi_torch.py --levin LEVIN_BLURRED_DIR
      --out DIR [--steps 30] [--iters 200] [--seed 0] [--channels 128] id [id ...]

Kernel size as the reference's own main and the harness: the true size + 2. Nothing is tuned here.
"""
import argparse
import json
import os
import struct
import sys
import time
import zlib

import numpy as np

LEVIN_KERNEL_SIZE = {1: 19, 2: 17, 3: 15, 4: 27, 5: 13, 6: 21, 7: 23, 8: 23}


def write_png16(path, img):
    """Writes a 2-D array in [0, 1] as a 16-bit grayscale PNG (filter type 0 on every row)."""
    h, w = img.shape
    q = np.clip(np.rint(img * 65535), 0, 65535).astype('>u2')
    raw = b''.join(b'\x00' + q[y].tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)

    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 0, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))


def host_machine():
    """The GPU machine's host, in the fields of the harness's machine description."""
    cpu = 'unknown'
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next((l.split(':', 1)[1].strip() for l in f if l.startswith('model name')), cpu)
        with open('/proc/meminfo') as f:
            mem_kib = int(next(l.split()[1] for l in f if l.startswith('MemTotal')))
    except (OSError, StopIteration, ValueError):
        mem_kib = 0
    return {'cpu': cpu, 'cores': os.cpu_count() or 0, 'memoryGiB': round(mem_kib / 2**20), 'platform': sys.platform}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--reference', required=True)
    ap.add_argument('--levin', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--iters', type=int, default=200)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--channels', type=int, default=128, help="the U-Net's width (the reference's own: 128)")
    ap.add_argument('ids', nargs='+')
    a = ap.parse_args()
    sys.path.insert(0, a.reference)
    import torch
    import deblursdi_torch as ref
    if not torch.cuda.is_available():
        ref.dev = 'cpu'  # off the GPU machine: Debian's python3-torch, one thread
    if a.channels != 128:
        base_skip = ref.Skip
        ref.Skip = lambda: base_skip(ch=a.channels)

    def sync():
        if torch.cuda.is_available():
            torch.cuda.synchronize()

    os.makedirs(a.out, exist_ok=True)
    for name in a.ids:
        y = ref.read_png_gray(os.path.join(a.levin, f'{name}_img.png'))
        size = LEVIN_KERNEL_SIZE[int(name.split('kernel')[1])] + 2
        trace = []
        sync()
        t0 = time.time()
        x, k = ref.deblursdi(y, size, T=a.steps, S=a.iters, seed=a.seed, trace=trace)
        sync()
        seconds = time.time() - t0
        write_png16(os.path.join(a.out, f'{name}.png'), x)
        np.savetxt(os.path.join(a.out, f'{name}_kernel.txt'), k / k.sum(), fmt='%.9g')
        info = {'id': name, 'seconds': round(seconds, 2), 'T': a.steps, 'S': a.iters, 'seed': a.seed, 'channels': a.channels, 'kernelSize': size,
                'final_loss': trace[-1], 'device': torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu', 'torch': torch.__version__, 'machine': host_machine()}
        with open(os.path.join(a.out, f'{name}.json'), 'w') as f:
            json.dump(info, f)
        print(json.dumps(info), flush=True)


if __name__ == '__main__':
    main()
