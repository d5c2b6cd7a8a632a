/**
 * Activations with their derivatives written in terms of the output, so that backward needs only
 * the stored activations (never the pre-activations).
 */

/** Logistic function 1 / (1 + e^-x). */
export function sigmoid(x: number): number {
  // Branch keeps exp's argument non-positive: no overflow, full precision near both tails.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** d sigmoid / dx expressed through y = sigmoid(x). */
export function sigmoidDerFromOutput(y: number): number {
  return y * (1 - y);
}

/** d tanh / dx expressed through y = tanh(x). */
export function tanhDerFromOutput(y: number): number {
  return 1 - y * y;
}
