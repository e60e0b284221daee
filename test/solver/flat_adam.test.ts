import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { FlatAdam } from '../../src/solver/flat_adam.js';
import { wasmAdamAvailable, wasmAdamSwitch } from '../../src/engine/kernels/wasm_adam_kernel.js';
import { Rng } from '../../src/rng.js';

before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('cpu');
  await initBackend('wasm');
});

test('FlatAdam takes the same steps as tf.train.adam over variables of several shapes, on cpu and wasm, and leaves no tensor behind', () => {
  for (const backend of ['cpu', 'wasm']) {
    tf.setBackend(backend);
    const rng = new Rng(5);
    const shapes = [[3, 3, 2, 4], [4], [7, 5], [1]];
    const init = shapes.map((s) => rng.normalArray(s.reduce((a, b) => a * b, 1)));
    const targets = shapes.map((s) => tf.tensor(rng.normalArray(s.reduce((a, b) => a * b, 1)), s));
    const ours = shapes.map((s, i) => tf.variable(tf.tensor(init[i], s)));
    const theirs = shapes.map((s, i) => tf.variable(tf.tensor(init[i], s)));
    const loss = (vars: tf.Variable[]) => () => tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, targets[i])), i + 1)))) as tf.Scalar;
    const flat = new FlatAdam(ours, 0.05);
    const adam = tf.train.adam(0.05, 0.9, 0.999, 1e-8);
    const start = tf.memory().numTensors;
    for (let step = 0; step < 5; step++) {
      const { value, grads } = tf.variableGrads(loss(ours), ours);
      flat.step(ours.map((v) => grads[v.name]));
      tf.dispose([value, ...Object.values(grads)]);
    }
    assert.equal(tf.memory().numTensors, start, `${backend}: tensors left behind`);
    for (let step = 0; step < 5; step++) adam.minimize(loss(theirs), false, theirs);
    for (let i = 0; i < shapes.length; i++) {
      const a = ours[i].dataSync(), b = theirs[i].dataSync();
      for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j] - b[j]) < 1e-5, `${backend} variable ${i}[${j}]: ${a[j]} vs ${b[j]}`);
      assert.deepEqual(ours[i].shape, shapes[i]);
    }
    adam.dispose();
    flat.dispose();
    tf.dispose([...ours, ...theirs, ...targets]);
  }
});

test('on wasm, the SIMD Adam update (one pass) takes bit for bit the steps of the tfjs ops it replaces, moments included', () => {
  tf.setBackend('wasm');
  assert.ok(wasmAdamAvailable());
  const run = (simd: boolean) => {
    const previous = wasmAdamSwitch.set(simd);
    const rng = new Rng(8);
    const shapes = [[3, 3, 2, 4], [4], [7, 5], [2]]; // 113 values: a SIMD part and a scalar tail
    const vars = shapes.map((s) => tf.variable(tf.tensor(rng.normalArray(s.reduce((a, b) => a * b, 1)), s)));
    const targets = shapes.map((s) => tf.tensor(rng.normalArray(s.reduce((a, b) => a * b, 1)), s));
    const adam = new FlatAdam(vars, 0.01);
    for (let step = 0; step < 4; step++) {
      const { value, grads } = tf.variableGrads(() => tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, targets[i])), i + 0.5)))) as tf.Scalar, vars);
      adam.step(vars.map((v) => grads[v.name]));
      tf.dispose([value, ...Object.values(grads)]);
    }
    const out = { weights: vars.map((v) => Array.from(v.dataSync())), moments: adam.getState().moments.map((m) => Array.from(m)) };
    adam.dispose();
    tf.dispose([...vars, ...targets]);
    wasmAdamSwitch.set(previous);
    return out;
  };
  const fused = run(true), composed = run(false);
  assert.ok(fused.weights.flat().every(Number.isFinite));
  assert.deepEqual(fused, composed);
});
