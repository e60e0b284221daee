/**
 * Whether one of the project's own kernels (WGSL on webgpu, SIMD on wasm) is used: on unless turned off,
 * for measurement (the webgpu probe, the browser census and bench/kernel_census.ts compare each with what
 * it replaced): a switch whose `set` returns the previous setting.
 */
export class KernelSwitch {
  private on = true;

  get enabled(): boolean {
    return this.on;
  }

  set(on: boolean): boolean {
    const previous = this.on;
    this.on = on;
    return previous;
  }
}
