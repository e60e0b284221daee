/**
 * Starting tfjs's WebGPU backend. In a browser it uses `navigator.gpu`; in Node it needs the
 * optional `webgpu` npm package (Dawn bindings), whose `create([])` provides a `navigator.gpu`
 * substitute. Either way an adapter must actually be found, else an {@link SdiError} says why.
 * (On a CPU-only Linux box Dawn finds no adapter with Mesa's lavapipe; see ENGINE-NOTES.)
 */
import { tf } from './tf.js';
import { SdiError } from '../errors.js';
import { registerWebgpuBatchNormKernels } from './webgpu_batch_norm.js';
import { registerWebgpuMirrorPadGradient } from './webgpu_mirror_pad_gradient.js';
import { registerWebgpuResizeGradient } from './webgpu_resize_gradient.js';

interface GpuLike {
  requestAdapter: (options?: object) => Promise<unknown>;
}

/**
 * Dispatches tfjs-webgpu records before it submits a command buffer (tfjs's default: 15). Every submit
 * costs host time, and a training step is host-bound (≈ 4000 dispatches, ≈ 60 µs of host work each):
 * 64 took the 256²/32-channel step from 250 to 223 ms on an H200 (results/gpu/2026-11-27-h200/, probe).
 */
export const webgpuSubmitBatch = 64;

/** Registers and starts the webgpu backend, or throws SdiError('webgpu backend is not available: …'). */
export async function startWebgpu(): Promise<void> {
  const gpu = await findGpu();
  const adapter = await gpu.requestAdapter().catch((e: unknown) => fail(`requestAdapter failed (${(e as Error).message})`));
  if (!adapter) fail('no WebGPU adapter found');
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    fail(`@tensorflow/tfjs-backend-webgpu could not be loaded (${(e as Error).message})`);
  }
  const ok = await tf.setBackend('webgpu').catch(() => false);
  if (!ok) fail('the tfjs webgpu backend failed to initialise');
  await tf.ready();
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', webgpuSubmitBatch);
  registerWebgpuBatchNormKernels();
  registerWebgpuMirrorPadGradient();
  registerWebgpuResizeGradient();
}

/** navigator.gpu of a browser, or the `webgpu` package's `create([])` installed as navigator.gpu in Node. */
async function findGpu(): Promise<GpuLike> {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu) return g.navigator.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) fail('this browser does not provide navigator.gpu');
  let mod: { create?: (flags: string[]) => GpuLike; globals?: object; default?: { create?: (flags: string[]) => GpuLike; globals?: object } };
  try {
    const name = 'webgpu'; // a variable keeps bundlers and tsc from resolving the optional package
    mod = await import(name);
  } catch {
    fail("the optional 'webgpu' npm package (Dawn for Node) is not installed");
  }
  const create = mod.create ?? mod.default?.create;
  if (typeof create !== 'function') fail("the 'webgpu' package has no create()");
  Object.assign(globalThis, mod.globals ?? mod.default?.globals ?? {});
  const gpu = create([]);
  const nav = g.navigator ?? {};
  try {
    Object.defineProperty(globalThis, 'navigator', { value: Object.assign(nav, { gpu }), configurable: true, writable: true });
  } catch (e) {
    fail(`cannot install navigator.gpu (${(e as Error).message})`);
  }
  return gpu;
}

function fail(reason: string): never {
  throw new SdiError(`webgpu backend is not available: ${reason}`);
}
