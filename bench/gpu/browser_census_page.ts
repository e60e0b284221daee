/**
 * Page for bench/gpu/browser_census.ts: the tfjs kernels of one loss + gradient of the `balanced`
 * networks on tfjs-webgpu in the browser (headless Chromium: SwiftShader on a machine without GPU), counted
 * by name with tf.profile for the webgpu-only variants (batch norm as composed ops or as the WGSL kernels,
 * the default or the batched filter gradient). `dispatching` leaves out the kernels that dispatch nothing
 * on webgpu (Reshape, Identity, same-type Cast, customGrad's wrapper). Image size from `?size=` (64).
 */
import { tf } from '../../src/engine/tf.js';
import '@tensorflow/tfjs-backend-webgpu';
import { registerWebgpuBatchNormKernels, setWebgpuBatchNorm } from '../../src/engine/webgpu_batch_norm.js';
import { setTapFilterGradientMethod } from '../../src/engine/gradients/conv2d_filter_gradient.js';
import { SkipUNet } from '../../src/nn/unet.js';
import { KernelGenerator } from '../../src/nn/kernel_generator.js';
import { resolveSolverOptions } from '../../src/solver/presets.js';
import { blurValid } from '../../src/solver/differentiable_blur.js';
import { Rng } from '../../src/rng.js';
import { registerEngineGradients } from '../../src/engine/gradients/register.js';
registerEngineGradients();
async function run() {
  if (!(await tf.setBackend('webgpu'))) return { error: 'no webgpu' };
  registerWebgpuBatchNormKernels();
  const N = Number(new URLSearchParams(location.search).get('size') ?? '64'), k = 31;
  const o = resolveSolverOptions('balanced', { kernelSize: [k, k] });
  const rng = new Rng(0);
  const unet = new SkipUNet({ ...o.unet, inputChannels: 1 }, rng.fork());
  const kgen = new KernelGenerator({ kernelHeight: k, kernelWidth: k, hiddenUnits: 1000, hiddenLayers: 3 }, rng.fork());
  const S = N + k - 1;
  const y = tf.randomUniform([1, N, N, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const xn = tf.randomNormal([1, S, S, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
  const zn = tf.randomNormal([1, k * k], 0, 1, 'float32', 3) as tf.Tensor2D;
  const loss = () => tf.sum(tf.square(tf.sub(blurValid(unet.apply(xn), tf.reshape(kgen.apply(zn), [k, k]) as tf.Tensor2D), y))) as tf.Scalar;
  const vars = [...unet.variables, ...kgen.variables];
  const out: Record<string, unknown> = { size: N };
  const free = new Set(['Reshape', 'Identity', 'Cast', '']);
  for (const [label, bn, tap] of [['before (composed BN)', false, null], ['default', true, null], ['default + batchedTapMatMul', true, 'batchedTapMatMul']] as const) {
    setWebgpuBatchNorm(bn);
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
