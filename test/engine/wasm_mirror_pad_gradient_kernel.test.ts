import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { mirrorPadBackward } from '../../src/engine/gradients/mirror_pad_gradient.js';
import { wasmMirrorPadGradientApplies, wasmMirrorPadGradientSwitch } from '../../src/engine/kernels/wasm_mirror_pad_gradient_kernel.js';
import { Rng } from '../../src/rng.js';

before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('wasm');
});

type Pads = Array<[number, number]>;

test('the wasm MirrorPad gradient kernel gives the fold\'s values bit for bit (reflect and symmetric, batches, uneven pads); no tensors leak', () => {
  const cases: Array<[number[], Pads]> = [
    [[1, 6, 5, 3], [[0, 0], [1, 1], [1, 1], [0, 0]]],
    [[2, 9, 7, 4], [[0, 0], [1, 1], [1, 1], [0, 0]]],
    [[1, 11, 12, 2], [[0, 0], [2, 3], [3, 1], [0, 0]]],
    [[1, 8, 9, 5], [[0, 0], [0, 2], [3, 0], [0, 0]]],
    [[1, 34, 33, 16], [[0, 0], [1, 1], [1, 1], [0, 0]]],
  ];
  const rng = new Rng(11);
  const start = tf.memory().numTensors;
  for (const [xShape, pads] of cases) {
    for (const mode of ['reflect', 'symmetric'] as const) {
      const pShape = xShape.map((n, d) => n + pads[d][0] + pads[d][1]);
      const dy = tf.tensor4d(rng.normalArray(pShape.reduce((a, b) => a * b, 1)), pShape as [number, number, number, number]);
      assert.ok(wasmMirrorPadGradientApplies(dy, pads, mode), `${mode} ${xShape} ${JSON.stringify(pads)} should take the kernel`);
      const kernel = mirrorPadBackward(dy, xShape, pads, mode);
      wasmMirrorPadGradientSwitch.set(false);
      const fold = mirrorPadBackward(dy, xShape, pads, mode);
      wasmMirrorPadGradientSwitch.set(true);
      assert.deepEqual(kernel.shape, xShape);
      const a = kernel.dataSync(), b = fold.dataSync();
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differing++;
      assert.equal(differing, 0, `${mode} ${xShape} ${JSON.stringify(pads)}: ${differing} values differ from the fold`);
      tf.dispose([dy, kernel, fold]);
    }
  }
  assert.equal(tf.memory().numTensors, start);
});

test('the wasm MirrorPad gradient kernel is used only where each entry has at most one border copy on H and W', () => {
  const dy = tf.zeros([1, 6, 6, 2]), short = tf.zeros([1, 5, 6, 2]), rank3 = tf.zeros([6, 6, 2]);
  // 4 entries padded 1 + 1 (reflect): borders at x entries 1 and 2, disjoint; with 3 entries both land on entry 1
  assert.ok(wasmMirrorPadGradientApplies(dy, [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect'));
  assert.ok(!wasmMirrorPadGradientApplies(short, [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect'));
  assert.ok(!wasmMirrorPadGradientApplies(dy, [[0, 0], [1, 1], [1, 1], [1, 0]], 'reflect'), 'channel padding');
  assert.ok(!wasmMirrorPadGradientApplies(rank3, [[1, 1], [1, 1], [0, 0]], 'reflect'), 'rank 3');
  wasmMirrorPadGradientSwitch.set(false);
  assert.ok(!wasmMirrorPadGradientApplies(dy, [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect'), 'switched off');
  wasmMirrorPadGradientSwitch.set(true);
  tf.dispose([dy, short, rank3]);
});
