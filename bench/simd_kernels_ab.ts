/**
 * What the project's wasm SIMD kernels (src/engine/kernels/*.wat) save on the solver's joint training
 * step: the same step (bench/joint_step.ts, 256² image, 31×31 kernel, `balanced` networks at the given
 * width) timed in one process with the kernels off and on, alternating, so both see the same machine:
 *
 *   SDI_WASM_THREADS=1 npx tsx bench/simd_kernels_ab.ts [width=16] [rounds=2]
 *
 * Prints, per round and setting, the median step and forward (no-gradient loss) times of 7 runs. The
 * settings: none (tfjs's own kernels), each group alone (batch norm, Adam, copies, filter gradients), all but
 * the helper threads (kernels/heap_helper_thread.ts: with two wasm threads, a worker takes half of each
 * large call of our kernels), all.
 * Results are bit for bit the same in every setting but the filter gradients' (float32 rounding: the SIMD
 * kernel sums in another order; test/engine/wasm_filter_gradient_kernel.test.ts); only the time differs.
 */
import { initBackend } from '../src/engine/backend.js';
import { createJointStep } from './joint_step.js';
import { speedConfig } from './speed_configs.js';
import { wasmBatchNormSwitch } from '../src/engine/kernels/wasm_batch_norm_kernels.js';
import { wasmAdamSwitch } from '../src/engine/kernels/wasm_adam_kernel.js';
import { wasmSimdCopySwitch } from '../src/engine/kernels/wasm_copy_kernels.js';
import { wasmFilterGradientSwitch } from '../src/engine/kernels/wasm_filter_gradient_kernel.js';
import { helperThreadSwitch } from '../src/engine/kernels/heap_helper_thread.js';

const width = Number(process.argv[2] ?? 16), rounds = Number(process.argv[3] ?? 2);
const info = await initBackend('wasm');
const step = createJointStep(speedConfig(256, width, 31), 'wasm');
const median = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const switches = { batchNorm: wasmBatchNormSwitch, adam: wasmAdamSwitch, copies: wasmSimdCopySwitch, filterGradient: wasmFilterGradientSwitch, helperThreads: helperThreadSwitch };
const settings: Array<[string, Array<keyof typeof switches>]> = [
  ['none', []], ['batch norm', ['batchNorm']], ['Adam', ['adam']], ['copies', ['copies']],
  ['filter grad', ['filterGradient', 'helperThreads']], ['all but helpers', ['batchNorm', 'adam', 'copies', 'filterGradient']],
  ['all', ['batchNorm', 'adam', 'copies', 'filterGradient', 'helperThreads']],
];
console.log(`256² image, width ${width}, 31×31 kernel, wasm ${info.threads} thread(s); median of 7 steps / forwards per setting`);
for (let i = 0; i < 2; i++) await step.step();
for (let round = 1; round <= rounds; round++) {
  for (const [name, on] of settings) {
    for (const [key, s] of Object.entries(switches)) s.set(on.includes(key as keyof typeof switches));
    const steps: number[] = [], forwards: number[] = [];
    for (let i = 0; i < 7; i++) steps.push((await step.step()).wallMs);
    for (let i = 0; i < 7; i++) forwards.push((await step.forward()).wallMs);
    console.log(`round ${round}  ${name.padEnd(15)}  step ${median(steps).toFixed(0).padStart(5)} ms  forward ${median(forwards).toFixed(0).padStart(4)} ms`);
  }
}
step.dispose();
