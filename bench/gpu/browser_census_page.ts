/**
 * Page for bench/gpu/browser_census.ts: the tfjs kernels of one loss + gradient of the `balanced`
 * networks on tfjs-webgpu in the browser (headless Chromium: SwiftShader on a machine without GPU), counted
 * by name with tf.profile, from everything composed of tfjs ops to the default, adding one webgpu-only
 * change at a time (the WGSL batch norm, the WGSL MirrorPad and resize gradients, tfjs's own input gradient with the
 * transpose-flag matMuls of the BatchMatMul and 1×1 filter gradients), then
 * the opt-in batched filter gradient. `dispatching` leaves out the kernels that dispatch nothing on
 * webgpu (Reshape, Identity, same-type Cast, customGrad's `forward` wrapper). Image size from `?size=` (64).
 */
import { tf } from '../../src/engine/tf.js';
import '@tensorflow/tfjs-backend-webgpu';
import { registerWebgpuBatchNormKernels, setWebgpuBatchNorm } from '../../src/engine/webgpu_batch_norm.js';
import { setTapFilterGradientMethod } from '../../src/engine/gradients/conv2d_filter_gradient.js';
import { setNativeInputGradientOnWebgpu } from '../../src/engine/gradients/conv2d_input_gradient.js';
import { registerWebgpuMirrorPadGradient, setWebgpuMirrorPadGradient } from '../../src/engine/webgpu_mirror_pad_gradient.js';
import { registerWebgpuResizeGradient, setWebgpuResizeGradient } from '../../src/engine/webgpu_resize_gradient.js';
import { censusLoss } from '../census_loss.js';
import { registerEngineGradients } from '../../src/engine/gradients/register.js';
registerEngineGradients();
async function run() {
  if (!(await tf.setBackend('webgpu'))) return { error: 'no webgpu' };
  registerWebgpuBatchNormKernels();
  registerWebgpuMirrorPadGradient();
  registerWebgpuResizeGradient();
  const N = Number(new URLSearchParams(location.search).get('size') ?? '64'), k = 31;
  const { loss, variables: vars } = censusLoss(N, 32, k);
  const out: Record<string, unknown> = { size: N };
  const free = new Set(['Reshape', 'Identity', 'Cast', 'forward', '']);
  const variants = [
    ['all composed', false, false, false, null],
    ['+ WGSL batch norm', true, false, false, null],
    ['+ WGSL MirrorPad and resize gradients', true, true, false, null],
    ['+ native input gradient, flagged matMuls (default)', true, true, true, null],
    ['default + batchedTapMatMul', true, true, true, 'batchedTapMatMul'],
  ] as const;
  for (const [label, bn, mirror, native, tap] of variants) {
    setWebgpuBatchNorm(bn);
    setWebgpuMirrorPadGradient(mirror);
    setWebgpuResizeGradient(mirror);
    setNativeInputGradientOnWebgpu(native);
    setTapFilterGradientMethod(tap);
    tf.dispose(tf.tidy(() => tf.variableGrads(loss, vars).value));
    const p = await tf.profile(() => { const { value, grads } = tf.variableGrads(loss, vars); tf.dispose(grads); return value; });
    const by: Record<string, number> = {};
    for (const kk of p.kernels) by[kk.name] = (by[kk.name] ?? 0) + 1;
    const dispatching = p.kernels.filter((kk) => !free.has(kk.name)).length;
    out[label] = { kernels: p.kernels.length, dispatching, top: Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, c]) => `${n} ${c}`).join(', ') };
  }
  return out;
}
(window as unknown as { __result: Promise<unknown> }).__result = run().catch((e: unknown) => ({ error: String(e) }));
