/**
 * Adam with global-norm gradient clipping, for training. Mutates the parameters in place.
 * Update (Kingma & Ba, with bias correction), step count s starting at 1:
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr * (m / (1-b1^s)) / (sqrt(v / (1-b2^s)) + eps)
 * When clipNorm is set and the global norm of all gradients exceeds it, g is first scaled by clipNorm/norm.
 */
import type { ModelParams, ParamGrads } from './types';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** global gradient norm above which gradients are scaled down (default: no clipping) */
  clipNorm?: number;
}

export interface Adam {
  /** Applies one update; returns the global gradient norm before clipping. */
  step(grads: ParamGrads): { gradNorm: number };
  /** Changes the learning rate for later steps. */
  setLearningRate(lr: number): void;
}

const KEYS = ['weightIh', 'weightHh', 'biasIh', 'biasHh', 'embedding', 'headWeight', 'headBias'] as const;

export function createAdam(params: ModelParams, opts: AdamOptions): Adam {
  let lr = opts.lr;
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  const clip = opts.clipNorm;
  const m = KEYS.map((k) => new Float64Array(params[k].length));
  const v = KEYS.map((k) => new Float64Array(params[k].length));
  let s = 0;
  return {
    setLearningRate(next: number) {
      lr = next;
    },
    step(grads: ParamGrads) {
      let sq = 0;
      for (const k of KEYS) {
        const g = grads[k];
        for (let n = 0; n < g.length; n++) sq += g[n] * g[n];
      }
      const gradNorm = Math.sqrt(sq);
      const factor = clip !== undefined && gradNorm > clip ? clip / gradNorm : 1;
      s += 1;
      const c1 = 1 - Math.pow(b1, s);
      const c2 = 1 - Math.pow(b2, s);
      KEYS.forEach((k, idx) => {
        const p = params[k];
        const g = grads[k];
        const mk = m[idx];
        const vk = v[idx];
        for (let n = 0; n < p.length; n++) {
          const gn = g[n] * factor;
          mk[n] = b1 * mk[n] + (1 - b1) * gn;
          vk[n] = b2 * vk[n] + (1 - b2) * gn * gn;
          p[n] -= (lr * (mk[n] / c1)) / (Math.sqrt(vk[n] / c2) + eps);
        }
      });
      return { gradNorm };
    },
  };
}
