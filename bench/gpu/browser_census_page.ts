/**
 * Page for bench/gpu/browser_census.ts: the tfjs kernels of one loss + gradient of the `balanced`
 * networks on tfjs-webgpu in the browser (headless Chromium: SwiftShader on a machine without GPU), counted
 * by name with tf.profile, from everything composed of tfjs ops to the default, adding one webgpu-only
 * change at a time (the WGSL batch norm, the WGSL MirrorPad and resize gradients, tfjs's own input gradient with the
 * transpose-flag matMuls of the BatchMatMul and 1×1 filter gradients), then
 * the opt-in batched filter gradient. `dispatching` leaves out the kernels that dispatch nothing on
 * webgpu (Reshape, Identity, same-type Cast, customGrad's `forward` wrapper). Then the default's
 * dispatching kernels by the project function that called them (the 40 most frequent). Image size from
 * `?size=` (64).
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
  const params = new URLSearchParams(location.search);
  const N = Number(params.get('size') ?? '64'), k = 31;
  const callersOnly = params.get('callers') === 'only';
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
  for (const [label, bn, mirror, native, tap] of callersOnly ? [] : variants) {
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
  setTapFilterGradientMethod(null);
  out['default, dispatching kernels by calling function'] = await byCaller(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    tf.dispose([value, ...Object.values(grads)]);
  }, free);
  return out;
}

/**
 * The default variant's dispatching kernels counted by the project function that asked for them: the
 * first frame of each kernel call's stack that lies in src/ (bundle lines mapped to modules through
 * esbuild's `// path` comments), as `module function`.
 */
async function byCaller(step: () => void, free: Set<string>): Promise<Record<string, number | string>> {
  const text = await (await fetch('page.js')).text();
  const starts: Array<[number, string]> = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*\/\/ ((?:src|bench|node_modules)\/\S+)$/.exec(line);
    if (m) starts.push([i + 1, m[1]]);
  });
  const moduleAt = (line: number) => {
    let lo = 0, hi = starts.length - 1, found = '?';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) { found = starts[mid][1]; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  };
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel;
  const counts: Record<string, number> = {};
  let sample = '';
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    if (!free.has(name)) {
      let caller = 'outside src/';
      const stack = (new Error().stack ?? '').split('\n').slice(2);
      if (!sample) sample = stack.slice(0, 12).join(' | ') + ` [${starts.length} modules]`;
      for (const frame of stack) {
        const m = /at (?:(\S+) \()?\S+?:(\d+):\d+\)?$/.exec(frame.trim());
        const module = m ? moduleAt(Number(m[2])) : '?';
        if (m && module.startsWith('src/') && module !== 'src/engine/tf.ts') { caller = `${module.slice(4)} ${m[1] ?? ''}`.trim(); break; }
      }
      const key = `${caller}: ${name}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return original.call(this, name, ...rest);
  };
  try {
    step();
  } finally {
    engine.runKernel = original;
    Error.stackTraceLimit = limit;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { total, sample, ...Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 40)) };
}
(window as unknown as { __result: Promise<unknown> }).__result = run().catch((e: unknown) => ({ error: String(e) }));
