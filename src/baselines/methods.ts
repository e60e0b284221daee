/**
 * The classic baselines as methods of the evaluation harness and the CLI (methods/registry.ts):
 * `map-l0`, `map-darkchannel`, `fft-relu` (MAP blind deconvolution, map_blind.ts) and `phase-only`
 * (phase_only.ts). Each estimates the kernel on the luminance (ctx.kernelSize = [height, width]) and
 * restores every channel of the input by non-blind HQS deconvolution with it (deconv/hqs.ts, the same
 * defaults as the `true-kernel` reference row), on the CPU with typed arrays (no tfjs).
 * Implementations load lazily, so registering them costs nothing.
 */
import type { Method, MethodContext, MethodResult } from '../methods/registry.js';
import type { MapPrior } from './map_blind.js';

async function runMap(prior: MapPrior, blurred: Parameters<Method['run']>[0], ctx: MethodContext): Promise<MethodResult> {
  const { deblurMap } = await import('./map_blind.js');
  const r = deblurMap(blurred, { prior, kernelSize: ctx.kernelSize });
  return { image: r.image, kernel: r.kernel, report: { ...r.report, status: 'completed' } };
}

function mapMethod(name: string, prior: MapPrior, description: string): Method {
  return { name, description, blind: true, usesSolver: false, run: (blurred, ctx) => runMap(prior, blurred, ctx) };
}

/** The four baseline methods (names: map-l0, map-darkchannel, fft-relu, phase-only). */
export function baselineMethods(): Method[] {
  return [
    mapMethod('map-l0', 'l0', 'MAP blind deconvolution with the L0 gradient prior (Pan et al. 2014), coarse to fine; CPU, seconds'),
    mapMethod('map-darkchannel', 'dark-channel', 'MAP blind deconvolution with L0 gradient + dark channel priors (Pan et al. 2016); CPU'),
    mapMethod('fft-relu', 'fft-relu', 'MAP blind deconvolution with L0 gradient + FFT-ReLU sparsity priors (Al Radi et al., WACV 2025); CPU'),
    {
      name: 'phase-only',
      description: 'Phase-Only kernel estimation (L. Pan et al., CVPR 2019): phase retrieval from the phase-only autocorrelation, then refinement; CPU',
      blind: true,
      usesSolver: false,
      async run(blurred, ctx) {
        const { deblurPhaseOnly } = await import('./phase_only.js');
        const r = deblurPhaseOnly(blurred, { kernelSize: ctx.kernelSize, seed: ctx.seed });
        return { image: r.image, kernel: r.kernel, report: { ...r.report, status: 'completed' } };
      },
    },
  ];
}
