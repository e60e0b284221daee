import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/engine/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { ParameterSet } from '../../src/nn/init.js';
import { BatchNorm, Conv, ConvBnAct } from '../../src/nn/layers.js';
import { leakyRelu } from '../../src/engine/ops/leaky_relu.js';
import { Rng } from '../../src/rng.js';

before(async () => {
  process.env.SDI_WASM_THREADS ??= '1';
  await initBackend('cpu');
  await initBackend('wasm');
});

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return diff / scale;
}

/** Value of Σ f(x)·r and its gradients with respect to `params`' variables, read back. */
function valueAndGrads(params: ParameterSet, f: () => tf.Tensor): Float32Array[] {
  const { value, grads } = tf.variableGrads(() => f() as tf.Scalar, params.variables);
  const out = [value.dataSync() as Float32Array, ...params.variables.map((v) => grads[v.name].dataSync() as Float32Array)];
  tf.dispose([value, grads]);
  return out;
}

for (const backend of ['wasm', 'cpu']) {
  test(`ConvBnAct (conv bias folded into the batch norm) equals leakyRelu(BN(conv(x) + b)) with the same initial weights, value and all gradients (${backend})`, () => {
    tf.setBackend(backend);
    const [h, w, cin, cout] = [9, 8, 5, 4];
    const unitParams = new ParameterSet('unit', new Rng(3));
    const unit = new ConvBnAct(unitParams, cin, cout, 3);
    const refParams = new ParameterSet('ref', new Rng(3)); // same draws in the same order: conv w, b, BN γ, β
    const conv = new Conv(refParams, cin, cout, 3), bn = new BatchNorm(refParams, cout);
    const rng = new Rng(4);
    const x = tf.tensor4d(rng.normalArray(h * w * cin), [1, h, w, cin]);
    const r = tf.tensor4d(rng.normalArray(h * w * cout), [1, h, w, cout]);
    const got = valueAndGrads(unitParams, () => tf.sum(tf.mul(unit.apply(x), r)));
    const ref = valueAndGrads(refParams, () => tf.sum(tf.mul(leakyRelu(bn.apply(conv.apply(x)), 0.2), r)));
    assert.deepEqual(unitParams.variables.map((v) => v.shape), refParams.variables.map((v) => v.shape));
    ref.forEach((expected, k) => {
      // index 2 is ∂L/∂b: the batch norm removes b, so both are rounding noise around zero
      if (k === 2) assert.ok(Math.max(...Array.from(got[k], Math.abs), ...Array.from(expected, Math.abs)) < 1e-4, `db ${Array.from(got[k])}`);
      else assert.ok(relativeError(got[k], expected) < 1e-4, `output ${k}: ${relativeError(got[k], expected)}`);
    });
    tf.dispose([x, r]);
    unitParams.dispose();
    refParams.dispose();
  });
}
