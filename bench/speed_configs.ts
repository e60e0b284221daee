/**
 * The configurations timed by bench/speed.ts (and bench/reference/step_time.py, which repeats this
 * list): one factor varied at a time around the centre 256² image / 32-channel U-Net / 31×31 kernel,
 * everything else as in the `balanced` preset. An id is `image-width-kernel`, e.g. `256-32-31`.
 */
import { SdiError } from '../src/errors.js';

export interface SpeedConfig {
  /** `image-width-kernel`. */
  id: string;
  /** Side N of the observed blurred image y (the networks work on (N + k − 1)²). */
  image: number;
  /** U-Net channels d. */
  width: number;
  /** Kernel side k. */
  kernel: number;
}

/** The config with image N, width d and kernel k. */
export function speedConfig(image: number, width: number, kernel: number): SpeedConfig {
  return { id: `${image}-${width}-${kernel}`, image, width, kernel };
}

export const centreConfig: SpeedConfig = speedConfig(256, 32, 31);

/** Image 64/128/256, then width 16/64, then kernel 15/63 (the centre once): 7 configs. */
export const allConfigs: readonly SpeedConfig[] = [
  speedConfig(64, 32, 31), speedConfig(128, 32, 31), centreConfig,
  speedConfig(256, 16, 31), speedConfig(256, 64, 31),
  speedConfig(256, 32, 15), speedConfig(256, 32, 63),
];

/** `centre`, `all`, or a comma list of ids `N-d-k` (any positive integers) → the configs, without duplicates. */
export function parseConfigs(spec: string): SpeedConfig[] {
  if (spec === 'centre' || spec === 'center') return [centreConfig];
  if (spec === 'all') return [...allConfigs];
  const out: SpeedConfig[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)-(\d+)-(\d+)$/.exec(part);
    if (!m) throw new SdiError(`--configs: '${part}' is not centre, all or image-width-kernel such as 256-32-31`);
    const [image, width, kernel] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (image < 32 || width < 2 || kernel < 1) throw new SdiError(`--configs: '${part}' is too small (image ≥ 32 for the 5-level U-Net, width ≥ 2, kernel ≥ 1)`);
    const c = speedConfig(image, width, kernel);
    if (!out.some((o) => o.id === c.id)) out.push(c);
  }
  if (out.length === 0) throw new SdiError('--configs: no configuration given');
  return out;
}
