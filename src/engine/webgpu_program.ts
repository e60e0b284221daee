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
