/**
 * Kernel census of one training step: which tfjs kernels the loss ‖blurValid(unet(x̂), kgen(ẑ)) − y‖²
 * and its gradients run, counted by name with tf.profile, with the project's gradients and with tfjs's
 * own for the kernels named last (default Conv2D and BatchMatMul). On a GPU backend every kernel is at
 * least one dispatch, so this is the count that a launch-bound step (tfjs-webgpu, docs/speed.md) pays for.
 * Where the backend times its kernels (tf.profile's kernelTimeMs: wasm and cpu; webgpu where the adapter
 * offers timestamp queries) it also prints the time per kernel name; their sum against the step's wall
 * time says how much of a step is kernel work and how much is dispatch overhead.
 *
 *   npx tsx bench/kernel_census.ts [backend=cpu] [image=64] [width=32] [kernels=Conv2D,BatchMatMul]
 *   SDI_TAP_FILTER_GRADIENT=batchedTapMatMul npx tsx bench/kernel_census.ts …   # auto's method for large stride-1 maps
 *
 * Networks as bench:speed's configs (`balanced` preset, 31×31 kernel); the counts do not depend on the
 * backend except where a backend lacks a kernel, and not on the data.
 */
import { tf } from '../src/engine/tf.js';
import { initBackend, type BackendName } from '../src/engine/backend.js';
import { originalGradient } from '../src/engine/gradients/reference_gradients.js';
import { censusLoss } from './census_loss.js';
import { setTapFilterGradientMethod, type TapFilterGradientMethod } from '../src/engine/gradients/conv2d_filter_gradient.js';

const [backend = 'cpu', imageArg = '64', widthArg = '32', namesArg = 'Conv2D,BatchMatMul'] = process.argv.slice(2);
const N = Number(imageArg), width = Number(widthArg), k = 31;
if (!['cpu', 'wasm', 'webgpu'].includes(backend) || !(N >= 32) || !(width >= 2)) {
  console.error('usage: npx tsx bench/kernel_census.ts [cpu|wasm|webgpu] [image ≥ 32] [width ≥ 2] [kernel names]');
  process.exit(2);
}
const tapMethod = process.env.SDI_TAP_FILTER_GRADIENT as TapFilterGradientMethod | undefined;
if (tapMethod && !['channelMajorTapMatMul', 'batchedTapMatMul'].includes(tapMethod)) {
  console.error('kernel_census: SDI_TAP_FILTER_GRADIENT must be channelMajorTapMatMul or batchedTapMatMul');
  process.exit(2);
}
if (tapMethod) setTapFilterGradientMethod(tapMethod);
try {
  await initBackend(backend as BackendName);
} catch (e) {
  console.error(`kernel_census: ${(e as Error).message}`);
  process.exit(2);
}
const lossSetup = censusLoss(N, width, k);
const { loss, variables } = lossSetup;

async function census(label: string): Promise<void> {
  tf.dispose(tf.tidy(() => tf.variableGrads(loss, variables).value)); // warm-up: the first run compiles and allocates
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(loss, variables);
    tf.dispose(grads);
    return value;
  });
  const byName = new Map<string, { count: number; ms: number }>();
  let timed = 0;
  for (const kernel of profile.kernels) {
    const entry = byName.get(kernel.name) ?? { count: 0, ms: 0 };
    entry.count++;
    const ms = await kernel.kernelTimeMs;
    if (typeof ms === 'number') {
      entry.ms += ms;
      timed++;
    }
    byName.set(kernel.name, entry);
  }
  const entries = [...byName.entries()];
  const top = entries.sort((a, b) => b[1].count - a[1].count).slice(0, 16).map(([name, e]) => `${name} ${e.count}`).join(', ');
  console.log(`${label}: ${profile.kernels.length} kernels (${top})`);
  // kernel times where the backend reports them (wasm and cpu: wall time per kernel; webgpu: GPU time with timestamp queries)
  if (timed > 0) {
    const total = entries.reduce((sum, [, e]) => sum + e.ms, 0);
    const byTime = entries.sort((a, b) => b[1].ms - a[1].ms).slice(0, 12).map(([name, e]) => `${name} ${e.ms.toFixed(1)}`).join(', ');
    console.log(`  kernel time ${total.toFixed(1)} ms over ${timed} timed kernels (${byTime})`);
  }
}

console.log(`${N}² image, width ${width}, ${k}×${k} kernel, ${tf.getBackend()} backend; loss + gradients (no optimiser)${tapMethod ? `; filter gradients of large stride-1 maps: ${tapMethod}` : ''}`);
await census('project gradients');
const names = namesArg.split(',');
const project = names.map((n) => tf.getGradient(n));
for (const n of names) {
  const original = originalGradient(n);
  if (original) tf.registerGradient(original);
}
try {
  await census(`tfjs's own gradients for ${names.join(', ')}`);
} catch (e) {
  console.log(`tfjs's own gradients for ${names.join(', ')}: not runnable on ${tf.getBackend()} (${(e as Error).message.split('\n')[0]})`);
} finally {
  project.forEach((c) => c && tf.registerGradient(c));
}
lossSetup.dispose();
