/**
 * Adam's update of a flat parameter vector as one wasm SIMD kernel of the project's own (adam_simd.wat),
 * run on tfjs-wasm's heap, registered as kernel `SdiAdamUpdate` of the wasm backend:
 *
 *     m' = β₁m + (1−β₁)g,   v' = β₂v + (1−β₂)g²,   w' = w − (m'·a) / (√(v'·s) + ε)
 *
 * with a = η/(1 − β₁ᵗ) and s = 1/(1 − β₂ᵗ): one pass over g, m, v, w instead of tfjs-wasm's eleven
 * elementwise kernels (≈ 45 ms per step for the 3.9 M parameters of the `balanced` kernel network,
 * ≈ 8 ms fused). The same float32 operations in the same order as solver/flat_adam.ts's tfjs ops, so
 * the same bits (test/solver/flat_adam.test.ts).
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
      kernelFunc: (({ inputs: { g, m, v, w }, backend, attrs }: { inputs: Record<string, tf.TensorInfo>; backend: WasmHeapBackend; attrs: AdamScalars }) => {
        const outputs = outputsLike(backend, g, 3); // m', v', w': all four vectors have g's length
        const { beta1, beta2, stepSize, vScale, epsilon } = attrs;
        const at = heapOffsets(backend, g, m, v, w, ...outputs as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo]);
        runInHalves(helper, 'adamUpdate', k.adamUpdate, g.shape.reduce((a, b) => a * b, 1), 4,
          (start, n) => [...at.map((offset) => offset + 4 * start), n, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, vScale, epsilon]);
        return outputs;
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

/** [m', v', w'] for flat float32 vectors g, m, v, w of one length (see the file comment). */
export function adamUpdate(g: tf.Tensor1D, m: tf.Tensor1D, v: tf.Tensor1D, w: tf.Tensor1D, scalars: AdamScalars): [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(SdiAdamUpdate, { g, m, v, w }, scalars as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
}
