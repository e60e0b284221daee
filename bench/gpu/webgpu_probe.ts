/**
 * Where a tfjs-webgpu training step spends its time (issue 5: the step costs ≈ 400 ms on an H100 whatever
 * its size, with process CPU time ≈ wall time: the GPU waits on the host). Run on the GPU machine,
 * bundled by ../shared/device/prepare.sh (see bench/README.md), from bench/gpu/run_device.sh:
 *
 *   node probe.mjs [--config 256-32-31] [--steps 5] [--out DIR] [--backend webgpu]
 *
 * (`--backend wasm` runs parts 2 and 3 only, without the webgpu flags: a dry run of the script here.)
 *
 * 1. Dispatch floor, with n = 3000 dispatches of a trivial 1024-element kernel, in µs per dispatch:
 *    - Dawn alone, cumulatively: the encoding calls (setPipeline + setBindGroup + dispatchWorkgroups with
 *      one prepared bind group); + a uniform buffer written with queue.writeBuffer; + getBindGroupLayout(0);
 *      + a fresh createBindGroup (as tfjs records a program); a submit every 15;
 *    - tfjs: tf.add on two 1024-element tensors (one tfjs kernel each), inside tf.tidy.
 *    Dawn against tfjs separates the binding's (Dawn/N-API) cost from tfjs's own.
 * 2. The joint step of bench:speed (bench/joint_step.ts) under variants applied one after another
 *    (each keeps the previous): tfjs's default flags (then, each measured alone, batch norm as composed ops
 *    instead of the WGSL kernels, the MirrorPad and resize gradients as composed ops instead of their WGSL kernels, the
 *    input gradient as forward convs instead of tfjs's Conv2DBackpropInput); WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE 64 (tfjs submits
 *    every 15 dispatches by default; src/engine/webgpu.ts sets 64 since this probe measured it); the
 *    channel-major tap filter gradient with one product per tap instead of per 8192-pixel chunk
 *    (measured alone, then set back); the batchedTapMatMul filter gradient (engine/gradients/conv2d_filter_gradient.ts; measured alone, then
 *    set back); bind-group layouts cached per pipeline; tfjs's own Conv2D and BatchMatMul
 *    gradients instead of the project's wasm-tuned ones; tf.enableProdMode().
 *    Median step ms of `--steps` steps after 2 warm-up ones, and process CPU ms.
 * 3. A CPU profile (node:inspector) of 3 default-flag steps: self time per function, and per module of the
 *    bundle (from esbuild's `// path` comments), printed; the raw .cpuprofile written to DIR.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/engine/tf.js';
import { initBackend, type BackendName } from '../../src/engine/backend.js';
import { webgpuSubmitBatch } from '../../src/engine/webgpu.js';
import { originalGradient } from '../../src/engine/gradients/reference_gradients.js';
import { setTapFilterGradientChunk, setTapFilterGradientMethod } from '../../src/engine/gradients/conv2d_filter_gradient.js';
import { setWebgpuBatchNorm } from '../../src/engine/webgpu_batch_norm.js';
import { setWebgpuMirrorPadGradient } from '../../src/engine/webgpu_mirror_pad_gradient.js';
import { setWebgpuResizeGradient } from '../../src/engine/webgpu_resize_gradient.js';
import { setNativeInputGradientOnWebgpu } from '../../src/engine/gradients/conv2d_input_gradient.js';
import { parseConfigs } from '../speed_configs.js';
import { createJointStep, type JointStep } from '../joint_step.js';
import { median } from '../common.js';

/* Minimal WebGPU shapes used here (the project does not depend on @webgpu/types). */
interface GpuBuffer { destroy(): void }
interface GpuPipeline { getBindGroupLayout(i: number): object }
interface GpuPass { setPipeline(p: unknown): void; setBindGroup(i: number, g: unknown): void; dispatchWorkgroups(x: number, y?: number, z?: number): void; end(): void }
interface GpuEncoder { beginComputePass(d?: object): GpuPass; finish(): unknown }
interface GpuDevice {
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: object): GpuPipeline;
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createBindGroup(d: { layout: object; entries: Array<{ binding: number; resource: { buffer?: object; offset?: number; size?: number } }> }): unknown;
  createCommandEncoder(): GpuEncoder;
  queue: { writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView): void; submit(c: unknown[]): void; onSubmittedWorkDone(): Promise<void> };
}
interface WebgpuBackendLike { device: GpuDevice; pipelineCache: Record<string, GpuPipeline | Promise<GpuPipeline>> }

const STORAGE = 0x80, UNIFORM = 0x40, COPY_DST = 0x08;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const fmt = (v: number, d = 1) => v.toFixed(d);

/**
 * µs per dispatch of raw Dawn calls, cumulatively: the encoding calls alone; + a uniform buffer written
 * with queue.writeBuffer; + pipeline.getBindGroupLayout(0); + a fresh createBindGroup (= what tfjs does
 * for one program). The differences price each call.
 */
async function dawnFloor(device: GpuDevice, n: number): Promise<Array<[string, number]>> {
  const code = `
@group(0) @binding(0) var<storage, read_write> result: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<uniform> u: vec4<i32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i < arrayLength(&result)) { result[i] = a[i] + f32(u.x); }
}`;
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const out = device.createBuffer({ size: 4096, usage: STORAGE });
  const a = device.createBuffer({ size: 4096, usage: STORAGE });
  const uniforms = Array.from({ length: 64 }, () => device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST }));
  const layout = pipeline.getBindGroupLayout(0);
  const entries = (ub: GpuBuffer) => [{ binding: 0, resource: { buffer: out } }, { binding: 1, resource: { buffer: a } }, { binding: 2, resource: { buffer: ub } }];
  const group = device.createBindGroup({ layout, entries: entries(uniforms[0]) });
  const u = new Int32Array(4);
  const run = async (perDispatch: (pass: GpuPass, i: number) => void): Promise<number> => {
    const t0 = performance.now();
    let encoder = device.createCommandEncoder(), pass = encoder.beginComputePass(), inPass = 0;
    for (let i = 0; i < n; i++) {
      perDispatch(pass, i);
      if (++inPass === 15) {
        pass.end();
        device.queue.submit([encoder.finish()]);
        encoder = device.createCommandEncoder();
        pass = encoder.beginComputePass();
        inPass = 0;
      }
    }
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return ((performance.now() - t0) * 1000) / n;
  };
  const encode = (pass: GpuPass, g: unknown) => {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, g);
    pass.dispatchWorkgroups(16);
  };
  const write = (i: number) => {
    const ub = uniforms[i % uniforms.length];
    u[0] = i;
    device.queue.writeBuffer(ub, 0, u);
    return ub;
  };
  const variants: Array<[string, (pass: GpuPass, i: number) => void]> = [
    ['encode only', (pass) => encode(pass, group)],
    ['+ writeBuffer', (pass, i) => (write(i), encode(pass, group))],
    ['+ getBindGroupLayout', (pass, i) => (write(i), pipeline.getBindGroupLayout(0), encode(pass, group))],
    ['+ createBindGroup (as tfjs)', (pass, i) => {
      const ub = write(i);
      encode(pass, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: entries(ub) }));
    }],
  ];
  const result: Array<[string, number]> = [];
  for (const [name, f] of variants) {
    await run(f); // warm-up
    result.push([name, await run(f)]);
  }
  [out, a, ...uniforms].forEach((b) => b.destroy());
  return result;
}

/** µs per tfjs kernel: n tf.add calls on 1024-element tensors, then one read-back. */
async function tfjsFloor(n: number): Promise<number> {
  const a = tf.ones([1024]), b = tf.ones([1024]);
  const once = async () => {
    const t0 = performance.now();
    const r = tf.tidy(() => {
      let x = a;
      for (let i = 0; i < n; i++) x = tf.add(x, b);
      return x;
    });
    await r.data();
    r.dispose();
    return ((performance.now() - t0) * 1000) / n;
  };
  await once();
  const us = await once();
  tf.dispose([a, b]);
  return us;
}

async function timeSteps(job: JointStep, steps: number): Promise<{ ms: number; cpuMs: number }> {
  for (let i = 0; i < 2; i++) await job.step();
  const t = [];
  for (let i = 0; i < steps; i++) t.push(await job.step());
  return { ms: median(t.map((x) => x.wallMs)), cpuMs: median(t.map((x) => x.cpuMs)) };
}

/** Caches pipeline.getBindGroupLayout(0) per pipeline (tfjs asks Dawn for a new layout object on every dispatch). */
function cacheBindGroupLayouts(backend: WebgpuBackendLike): boolean {
  const any = Object.values(backend.pipelineCache).find((p) => !(p instanceof Promise)) as GpuPipeline | undefined;
  if (!any) return false;
  const proto = Object.getPrototypeOf(any) as GpuPipeline;
  const original = proto.getBindGroupLayout;
  const cache = new WeakMap<object, object>();
  proto.getBindGroupLayout = function (this: GpuPipeline, i: number) {
    if (i !== 0) return original.call(this, i);
    let layout = cache.get(this);
    if (layout === undefined) cache.set(this, (layout = original.call(this, 0)));
    return layout;
  };
  return true;
}

/**
 * Experiment: reuses bind groups. device.createBindGroup is wrapped by a cache keyed on the layout and
 * the bound buffers (object identity, offset, size); tfjs pools its buffers, so in a steady training loop
 * the same combinations recur. Needs stable layouts (cacheBindGroupLayouts first). A destroyed buffer's
 * groups are never hit again (a new buffer is a new key). Returns live hit/miss counts.
 */
function cacheBindGroups(device: GpuDevice): { hits: number; misses: number } {
  const ids = new WeakMap<object, number>();
  let next = 1;
  const idOf = (o: object) => {
    let i = ids.get(o);
    if (i === undefined) ids.set(o, (i = next++));
    return i;
  };
  const stats = { hits: 0, misses: 0 };
  const cache = new Map<string, unknown>();
  const original = device.createBindGroup.bind(device);
  device.createBindGroup = (d: { layout: object; entries: Array<{ binding: number; resource: { buffer?: object; offset?: number; size?: number } }> }) => {
    const parts = d.entries.map((e) => (e.resource.buffer ? `${e.binding}:${idOf(e.resource.buffer)}/${e.resource.offset ?? 0}/${e.resource.size ?? -1}` : `${e.binding}:r${idOf(e.resource)}`));
    const key = `${idOf(d.layout)}|${parts.join(',')}`;
    let group = cache.get(key);
    if (group === undefined) {
      stats.misses++;
      if (cache.size >= 50000) cache.clear();
      cache.set(key, (group = original(d)));
    } else stats.hits++;
    return group;
  };
  return stats;
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Module of each line of the bundle, from esbuild's `// path/to/module.js` comments. */
async function bundleModules(): Promise<((line: number) => string) | null> {
  try {
    const lines = (await fs.readFile(fileURLToPath(import.meta.url), 'utf8')).split('\n');
    const starts: Array<[number, string]> = [];
    lines.forEach((l, i) => {
      const m = /^\/\/ ((?:node_modules|src|bench)\/\S+)$/.exec(l);
      if (m) starts.push([i, m[1]]);
    });
    return (line: number) => {
      let lo = 0, hi = starts.length - 1, best = '?';
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid][0] <= line) { best = starts[mid][1]; lo = mid + 1; } else hi = mid - 1;
      }
      return best.replace(/^node_modules\/@tensorflow\//, '').replace(/\/dist\//, '/');
    };
  } catch {
    return null;
  }
}

/** Self time (ms) per function and per bundle module, top entries printed. */
async function summariseProfile(profile: CpuProfile): Promise<void> {
  const moduleOf = await bundleModules();
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>(), byModule = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const n = byNode.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const mod = !url ? '(native or VM)' : url.endsWith('probe.mjs') && moduleOf ? moduleOf(lineNumber) : path.basename(url);
    const fn = `${functionName || '(anonymous)'} [${mod}:${lineNumber + 1}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
    total += ms;
  });
  const top = (m: Map<string, number>, count: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  console.log(`  profiled ${fmt(total)} ms; self time by module:`);
  for (const [k, v] of top(byModule, 20)) console.log(`    ${fmt(v).padStart(8)} ms  ${fmt((100 * v) / total).padStart(5)} %  ${k}`);
  console.log('  self time by function:');
  for (const [k, v] of top(byFunction, 45)) console.log(`    ${fmt(v).padStart(8)} ms  ${fmt((100 * v) / total).padStart(5)} %  ${k}`);
}

async function main(): Promise<void> {
  const config = parseConfigs(arg('config', '256-32-31'))[0];
  const steps = Number(arg('steps', '5'));
  const out = arg('out', '');
  const name = arg('backend', 'webgpu') as BackendName;
  const info = await initBackend(name);
  if (info.name !== name) throw new Error(`${name} did not start (${info.reason})`);
  const gpu = name === 'webgpu';
  const backend = tf.backend() as unknown as WebgpuBackendLike;
  console.log(`${name} probe: config ${config.id}, ${steps} timed steps`);

  const n = 3000;
  const tfjsUs = await tfjsFloor(n);
  if (gpu) {
    const dawn = await dawnFloor(backend.device, n);
    console.log(`dispatch floor (µs per dispatch, ${n} dispatches): Dawn ${dawn.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}; tfjs tf.add ${fmt(tfjsUs)}`);
  } else {
    console.log(`kernel floor: tfjs tf.add ${fmt(tfjsUs)} µs per kernel (${n} kernels)`);
  }

  const job = createJointStep(config, name);
  try {
    const kernels = (await tf.profile(async () => (await job.step(), []))).kernels.length;
    const report = (label: string, r: { ms: number; cpuMs: number }) =>
      console.log(`step ${config.id} [${label}]: ${fmt(r.ms)} ms (CPU ${fmt(r.cpuMs)} ms), ${kernels} kernels → ${fmt((r.ms * 1000) / kernels)} µs per kernel`);
    if (gpu) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 15); // tfjs's default (the engine sets webgpuSubmitBatch)
    report('default flags', await timeSteps(job, steps));
    if (gpu) {
      // each webgpu-only default measured against what it replaced, alone (then set back)
      const toggles: Array<[string, (on: boolean) => unknown]> = [
        ['batch norm as composed ops', setWebgpuBatchNorm],
        ['MirrorPad gradient as composed ops', setWebgpuMirrorPadGradient],
        ['resize gradient as composed ops', setWebgpuResizeGradient],
        ['input gradient as forward convs (not tfjs\'s Conv2DBackpropInput)', setNativeInputGradientOnWebgpu],
      ];
      for (const [label, set] of toggles) {
        set(false);
        try {
          const offKernels = (await tf.profile(async () => (await job.step(), []))).kernels.length;
          const r = await timeSteps(job, steps);
          console.log(`step ${config.id} [default flags, ${label}]: ${fmt(r.ms)} ms (CPU ${fmt(r.cpuMs)} ms), ${offKernels} kernels`);
        } finally {
          set(true);
        }
      }
    }

    // profile 3 default-flag steps
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    for (let i = 0; i < 3; i++) await job.step();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    session.disconnect();
    if (out) await fs.writeFile(path.join(out, 'webgpu-step.cpuprofile'), JSON.stringify(profile));
    console.log('CPU profile of 3 steps (default flags):');
    await summariseProfile(profile);

    if (gpu) {
      tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', webgpuSubmitBatch);
      report(`+ submit every ${webgpuSubmitBatch} dispatches`, await timeSteps(job, steps));
      // the channel-major taps with one product per tap (tfjs-webgpu's split-K matMul), then back to the default
      setTapFilterGradientChunk(Infinity);
      try {
        const unchunkedKernels = (await tf.profile(async () => (await job.step(), []))).kernels.length;
        const r = await timeSteps(job, steps);
        console.log(`step ${config.id} [+ channel-major taps, one product per tap]: ${fmt(r.ms)} ms (CPU ${fmt(r.cpuMs)} ms), ${unchunkedKernels} kernels → ${fmt((r.ms * 1000) / unchunkedKernels)} µs per kernel`);
      } catch (e) {
        console.log(`  one product per tap failed: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        setTapFilterGradientChunk(null);
      }
      // the batched-taps filter gradient (≈ 300 fewer dispatches per 256² step), then back to the default
      setTapFilterGradientMethod('batchedTapMatMul');
      try {
        const batchedKernels = (await tf.profile(async () => (await job.step(), []))).kernels.length;
        const r = await timeSteps(job, steps);
        console.log(`step ${config.id} [+ batchedTapMatMul filter gradients]: ${fmt(r.ms)} ms (CPU ${fmt(r.cpuMs)} ms), ${batchedKernels} kernels → ${fmt((r.ms * 1000) / batchedKernels)} µs per kernel`);
      } catch (e) {
        console.log(`  batchedTapMatMul filter gradients failed: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        setTapFilterGradientMethod(null);
      }
      if (cacheBindGroupLayouts(backend)) {
        report('+ bind-group layouts cached', await timeSteps(job, steps));
        try {
          const before = await job.lossValue();
          const stats = cacheBindGroups(backend.device);
          const after = await job.lossValue();
          const r = await timeSteps(job, steps);
          report('+ bind groups cached (experiment)', r);
          console.log(`  bind-group cache: loss at fixed parameters ${before} without, ${after} with (${before === after ? 'identical' : 'DIFFERENT'}); ${stats.hits} hits, ${stats.misses} misses`);
        } catch (e) {
          console.log(`  bind-group cache experiment failed: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      // tfjs-webgpu has Conv2DBackpropFilter/Input and transposed matMuls: the project's wasm-tuned
      // gradients (forward-conv-only, explicit transposes) may cost more kernels than they save there
      for (const kernelName of ['Conv2D', 'BatchMatMul']) {
        const original = originalGradient(kernelName);
        if (original) tf.registerGradient(original);
      }
      const ownKernels = (await tf.profile(async () => (await job.step(), []))).kernels.length;
      const r = await timeSteps(job, steps);
      console.log(`step ${config.id} [+ tfjs's own Conv2D and BatchMatMul gradients]: ${fmt(r.ms)} ms (CPU ${fmt(r.cpuMs)} ms), ${ownKernels} kernels → ${fmt((r.ms * 1000) / ownKernels)} µs per kernel`);
    }
    tf.enableProdMode();
    report('+ prod mode', await timeSteps(job, steps));
  } finally {
    job.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`webgpu probe: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
