/**
 * The part of tfjs-webgpu's program interface that the project's own WGSL kernels use (webgpu_program.ts
 * in the package), and their registration in tfjs's kernel registry for the webgpu backend.
 */
import { tf } from './tf.js';

/** A compute program as tfjs-webgpu's `runWebGPUProgram` takes it. */
export interface WebgpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  size?: boolean;
  getUserCode(): string;
}

/**
 * A program with one thread per entry of the output (a flat dispatch, which tfjs reshapes past the
 * per-dimension workgroup limit): `code` defines `fn main(index : i32)`, which must skip index ≥
 * uniforms.size, and any helpers it needs.
 */
export function perEntryProgram(shaderKey: string, variableNames: string[], outputShape: number[], uniforms: string, code: string, threads = 64): WebgpuProgram {
  return {
    variableNames,
    outputShape,
    shaderKey,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(outputShape.reduce((p, d) => p * d, 1) / threads), 1, 1],
    workgroupSize: [threads, 1, 1],
    uniforms,
    size: true,
    getUserCode: () => code,
  };
}

/** The webgpu backend, as far as the kernels use it. */
export interface WebgpuBackendLike {
  runWebGPUProgram(program: WebgpuProgram, inputs: tf.TensorInfo[], outputDtype: tf.DataType, uniforms: Array<{ type: string; data: number[] }>): tf.TensorInfo;
}

/** A kernel body: inputs by name, numeric attributes (or arrays of them), the backend. */
export type WebgpuKernelRun<A> = (inputs: Record<string, tf.TensorInfo>, attrs: A, backend: WebgpuBackendLike) => tf.TensorInfo;

/** Registers `run` as kernel `kernelName` of the webgpu backend. */
export function registerWebgpuKernel<A>(kernelName: string, run: WebgpuKernelRun<A>): void {
  tf.registerKernel({
    kernelName, backendName: 'webgpu',
    kernelFunc: (({ inputs, attrs, backend }: { inputs: Record<string, tf.TensorInfo>; attrs: A; backend: WebgpuBackendLike }) => run(inputs, attrs, backend)) as unknown as tf.KernelFunc,
  });
}

/** Whether kernel `kernelName` is registered for the active backend. */
export function kernelAvailable(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
