/**
 * Adam's update of a parameter group as one wasm SIMD kernel of the project's own (adam_simd.wat), run on
 * tfjs-wasm's heap, registered as kernel `SdiAdamUpdate` of the wasm backend: for each parameter tensor
 * w_i with gradient g_i, whose moments sit at [o_i, o_i + |w_i|) of the group's flat m and v,
 *
 *     m' = β₁m + (1−β₁)g,   v' = β₂v + (1−β₂)g²,   w' = w − (m'·a) / (√(v'·s) + ε)
 *
 * with a = η/(1 − β₁ᵗ) and s = 1/(1 − β₂ᵗ): one pass over g, m, v, w instead of tfjs-wasm's eleven
 * elementwise kernels (≈ 45 ms per step for the 3.9 M parameters of the `balanced` kernel network,
 * ≈ 8 ms fused), reading each g_i and w_i where it lies and writing each w'_i in its own tensor, so no
 * gradient or weight is concatenated into a flat vector and no flat result split again (three full
 * copies of the group per step). The same float32 operations in the same order as solver/flat_adam.ts's
 * tfjs ops, so the same bits (test/solver/flat_adam.test.ts).
 */
import { tf } from '../tf.js';
import { KernelSwitch } from '../kernel_switch.js';
import * as binaries from './adam_simd_binary.js';
import { heapOffsets, instantiateOnWasmHeap, outputsLike, type WasmHeapBackend } from './wasm_heap_module.js';
import { HeapHelperThread, runInHalves } from './heap_helper_thread.js';

interface AdamExports {
  adamUpdate(g: number, m: number, v: number, w: number, mOut: number, vOut: number, wOut: number, n: number,
    b1: number, c1: number, b2: number, c2: number, a: number, s: number, eps: number): void;
}

/** The update's scalars: β₁, β₂, a = η/(1 − β₁ᵗ), s = 1/(1 − β₂ᵗ), ε. */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  stepSize: number;
  vScale: number;
  epsilon: number;
}

/** Kernel name (wasm backend only). */
export const SdiAdamUpdate = 'SdiAdamUpdate';

/** On unless turned off (to measure or compare with the tfjs ops). */
export const wasmAdamSwitch = new KernelSwitch();

let simd: AdamExports | null = null;
let helper: HeapHelperThread | null = null;

/**
 * Instantiates the module on the wasm backend's heap and registers the kernel (idempotent); false where it
 * cannot. With `helperThread` (two or more wasm threads on a shared heap) a worker updates half the vector.
 */
export function installWasmAdamKernel(helperThread = false): boolean {
  if (!simd) {
    simd = instantiateOnWasmHeap<AdamExports>(binaries);
    if (!simd) return false;
    const k = simd;
    tf.registerKernel({
      kernelName: SdiAdamUpdate, backendName: 'wasm',
      kernelFunc: (({ inputs, backend, attrs }: { inputs: Record<string, tf.TensorInfo>; backend: WasmHeapBackend; attrs: AdamScalars & { count: number } }) => {
        const { beta1, beta2, stepSize, vScale, epsilon, count } = attrs;
        const [mOut, vOut] = outputsLike(backend, inputs.m, 2);
        const wOut = Array.from({ length: count }, (_, i) => outputsLike(backend, inputs[`w${i}`], 1)[0]);
        const [mAt, vAt, mOutAt, vOutAt] = heapOffsets(backend, inputs.m, inputs.v, mOut, vOut);
        let offset = 0;
        for (let i = 0; i < count; i++) {
          const g = inputs[`g${i}`], w = inputs[`w${i}`];
          const [gAt, wAt, wOutAt] = heapOffsets(backend, g, w, wOut[i]);
          const moments = 4 * offset, n = tf.util.sizeFromShape(w.shape);
          runInHalves(helper, 'adamUpdate', k.adamUpdate, n, 4, (start, n) => [
            gAt + 4 * start, mAt + moments + 4 * start, vAt + moments + 4 * start, wAt + 4 * start,
            mOutAt + moments + 4 * start, vOutAt + moments + 4 * start, wOutAt + 4 * start, n,
            beta1, 1 - beta1, beta2, 1 - beta2, stepSize, vScale, epsilon]);
          offset += n;
        }
        return [mOut, vOut, ...wOut];
      }) as unknown as tf.KernelFunc,
    });
  }
  if (helperThread && !helper) helper = HeapHelperThread.start(binaries, ['adamUpdate']);
  return true;
}

/** Whether {@link adamUpdate} runs here (the wasm backend, the module installed, the switch on). */
export function wasmAdamAvailable(): boolean {
  return simd !== null && wasmAdamSwitch.enabled && tf.getBackend() === 'wasm';
}

/**
 * [m', v', w'_0, …, w'_{n−1}] for float32 tensors `weights[i]` with gradients `grads[i]` (same shapes) and
 * the group's flat moments m, v (length Σ|w_i|, in the order of `weights`); see the file comment.
 */
export function adamUpdate(grads: tf.Tensor[], m: tf.Tensor1D, v: tf.Tensor1D, weights: tf.Tensor[], scalars: AdamScalars): [tf.Tensor1D, tf.Tensor1D, ...tf.Tensor[]] {
  if (grads.length !== weights.length) throw new RangeError('adamUpdate: one gradient per weight');
  const inputs: Record<string, tf.Tensor> = { m, v };
  grads.forEach((g, i) => { inputs[`g${i}`] = g; inputs[`w${i}`] = weights[i]; });
  return tf.engine().runKernel(SdiAdamUpdate, inputs as tf.NamedTensorMap, { ...scalars, count: weights.length } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor1D, tf.Tensor1D, ...tf.Tensor[]];
}
