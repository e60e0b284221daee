/**
 * Access to tfjs's own (default) gradients after the project's replaced them, so tests can compare
 * the project's gradients with tfjs's on the cpu backend.
 */
import { tf } from '../tf.js';

const originals = new Map<string, tf.GradConfig>();

/** Registers `config`, first keeping tfjs's gradient for the same kernel (idempotent per kernel). */
export function replaceGradient(config: tf.GradConfig): void {
  if (!originals.has(config.kernelName)) {
    const original = tf.getGradient(config.kernelName);
    if (original) originals.set(config.kernelName, original);
  }
  tf.registerGradient(config);
}

/** tfjs's own gradient config for `kernelName`, as it was before the project replaced it. */
export function originalGradient(kernelName: string): tf.GradConfig | undefined {
  return originals.get(kernelName) ?? tf.getGradient(kernelName);
}

/**
 * Runs `fn` (synchronously) with tfjs's default gradients for `kernelNames` put back, then restores
 * the gradients registered before the call. For reference computations in tests.
 */
export function withOriginalGradients<T>(kernelNames: readonly string[], fn: () => T): T {
  const current = kernelNames.map((name) => tf.getGradient(name));
  try {
    for (const name of kernelNames) {
      const original = originals.get(name);
      if (original) tf.registerGradient(original);
    }
    return fn();
  } finally {
    current.forEach((config) => { if (config) tf.registerGradient(config); });
  }
}
