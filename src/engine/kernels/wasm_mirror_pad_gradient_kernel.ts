/**
 * The MirrorPad gradient of an NHWC map as one kernel on tfjs-wasm's heap (`SdiMirrorPadGrad`), for the
 * U-Net's 1-px reflect pads. The composed fold (gradients/mirror_pad_gradient.ts) slices and concatenates
 * the whole map once per padded axis: ≈ 4 full-size copies per conv in the backward pass, ≈ 13 ms of a
 * 256²/32-channel step's backward on this 2-core box. Here: one strided copy of dy's centre (the SIMD copy
 * of wasm_copy_kernels.ts), then the mirrored border rows and columns added in place in JavaScript
 * (O(H + W) values per channel).
 *
 * With n entries along an axis padded by b before and a after (o = 1 for 'reflect', 0 for 'symmetric'),
 * x entry j receives the centre copy j + b, the top border entry b − 1 + o − j when o ≤ j < o + b, and the
 * bottom border entry 2n + b − 1 − o − j when n − o − a ≤ j < n − o (at most one border where
 * o + b ≤ n − o − a, the only case taken here). For a row r and column s of x with border copies r′, s′:
 *
 *     ∂L/∂x[r, s] = (dy[r + b₀, s + b₁] + dy[r′, s + b₁]) + (dy[r + b₀, s′] + dy[r′, s′])
 *
 * summed in exactly that order — the fold's order (rows folded first, then columns) — so the result is
 * the fold's bit for bit (float32 sums; a float64 sum of two float32 values rounds to the float32 sum).
 */
import { tf } from '../tf.js';
import { KernelSwitch } from '../kernel_switch.js';
import { sliceOnHeap, type WasmCopyBackend } from './wasm_copy_kernels.js';

/** Name of the kernel (tfjs kernel registry, backend `wasm`); inputs {dy}, attrs {paddings, mode}. */
export const WASM_MIRROR_PAD_GRAD = 'SdiMirrorPadGrad';

/** Whether the kernel is used where it applies: on unless turned off (to measure or compare). */
export const wasmMirrorPadGradientSwitch = new KernelSwitch();

type Paddings = ReadonlyArray<readonly [number, number]>;

/**
 * Whether {@link WASM_MIRROR_PAD_GRAD} computes ∂L/∂x for this dy: wasm backend with the kernel registered,
 * float32 rank 4, padding on the two spatial axes only, and on each at most one border copy per entry.
 */
export function wasmMirrorPadGradientApplies(dy: tf.Tensor, paddings: Paddings, mode: 'reflect' | 'symmetric'): boolean {
  if (!registered || !wasmMirrorPadGradientSwitch.enabled || tf.getBackend() !== 'wasm') return false;
  if (dy.rank !== 4 || dy.dtype !== 'float32' || paddings.length !== 4) return false;
  if (paddings[0][0] || paddings[0][1] || paddings[3][0] || paddings[3][1]) return false;
  const o = mode === 'reflect' ? 1 : 0;
  for (const axis of [1, 2]) {
    const [b, a] = paddings[axis];
    const n = dy.shape[axis] - b - a;
    if (b < 0 || a < 0 || n < 1 || o + b > n - o - a) return false;
  }
  return true;
}

/** ∂L/∂x of y = mirrorPad(x, paddings, mode) by {@link WASM_MIRROR_PAD_GRAD} (check {@link wasmMirrorPadGradientApplies} first). */
export function wasmMirrorPadBackward(dy: tf.Tensor, paddings: Paddings, mode: 'reflect' | 'symmetric'): tf.Tensor4D {
  return tf.engine().runKernel(WASM_MIRROR_PAD_GRAD, { dy }, { paddings: paddings.map((p) => [p[0], p[1]]), mode } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * x entry → its border copy along one axis (−1 where none): n entries padded by b before and a after.
 * Disjoint borders assumed (o + b ≤ n − o − a).
 */
function borderSources(n: number, b: number, a: number, o: number): Int32Array {
  const source = new Int32Array(n).fill(-1);
  for (let j = o; j < o + b; j++) source[j] = b - 1 + o - j;
  for (let j = n - o - a; j < n - o; j++) source[j] = 2 * n + b - 1 - o - j;
  return source;
}

function mirrorPadGradKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const dy = args.inputs.dy as tf.TensorInfo;
  const backend = args.backend as WasmCopyBackend;
  const { paddings, mode } = args.attrs as unknown as { paddings: Array<[number, number]>; mode: 'reflect' | 'symmetric' };
  const o = mode === 'reflect' ? 1 : 0;
  const [batch, hp, wp, c] = dy.shape;
  const [b0, a0] = paddings[1], [b1, a1] = paddings[2];
  const h = hp - b0 - a0, w = wp - b1 - a1;
  // the centre, dy[:, b₀ … b₀+h−1, b₁ … b₁+w−1, :], as one strided copy
  const out = sliceOnHeap(backend, dy, [0, b0, b1, 0], [batch, h, w, c]);
  const rowSource = borderSources(h, b0, a0, o), colSource = borderSources(w, b1, a1, o);
  // views after the output's allocation (which may grow and move the heap)
  const g = backend.typedArrayFromHeap(dy) as Float32Array, x = backend.typedArrayFromHeap(out) as Float32Array;
  const dyRow = wp * c, xRow = w * c;
  for (let n = 0; n < batch; n++) {
    const dyBase = n * hp * dyRow, xBase = n * h * xRow;
    // rows: x[r, s] += dy[r′, s + b₁] for the rows with a border copy r′
    for (let r = 0; r < h; r++) {
      const rb = rowSource[r];
      if (rb < 0) continue;
      const from = dyBase + rb * dyRow + b1 * c, to = xBase + r * xRow;
      for (let i = 0; i < xRow; i++) x[to + i] += g[from + i];
    }
    // columns: x[r, s] += (dy[r + b₀, s′] + dy[r′, s′]) for the columns with a border copy s′
    for (let s = 0; s < w; s++) {
      const sb = colSource[s];
      if (sb < 0) continue;
      for (let r = 0; r < h; r++) {
        const rb = rowSource[r];
        const centre = dyBase + (r + b0) * dyRow + sb * c, to = xBase + r * xRow + s * c;
        if (rb < 0) {
          for (let k = 0; k < c; k++) x[to + k] += g[centre + k];
        } else {
          const border = dyBase + rb * dyRow + sb * c;
          for (let k = 0; k < c; k++) x[to + k] += Math.fround(g[centre + k] + g[border + k]);
        }
      }
    }
  }
  return out;
}

let registered = false;

/** Registers {@link WASM_MIRROR_PAD_GRAD} for the wasm backend (idempotent; after the backend is imported). */
export function installWasmMirrorPadGradientKernel(): void {
  if (registered) return;
  if (!tf.getKernel(WASM_MIRROR_PAD_GRAD, 'wasm')) {
    tf.registerKernel({ kernelName: WASM_MIRROR_PAD_GRAD, backendName: 'wasm', kernelFunc: mirrorPadGradKernel as unknown as tf.KernelFunc });
  }
  registered = true;
}
