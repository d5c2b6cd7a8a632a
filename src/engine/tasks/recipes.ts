/**
 * How each shipped model is trained: sizes, budget and optimiser settings per task. RNN, LSTM and GRU
 * of one task share the same recipe (same data, steps, batch and learning rate); only the LSTM
 * reads `forgetBias`, the one cell-specific initialisation.
 */
import type { TaskId } from './task';

export interface Recipe {
  /** embedding size D */
  inputSize: number;
  /** hidden size H */
  hiddenSize: number;
  /** Adam steps */
  steps: number;
  batchSize: number;
  /** peak learning rate; a cosine schedule lowers it to a tenth by the last step */
  lr: number;
  clipNorm: number;
  /** initial lstm forget-gate bias; a positive value lets memory survive from the first steps */
  forgetBias: number;
  /** training texts generated (from the seed) */
  trainSize: number;
  /** held-out texts generated (from a fixed seed per task) */
  testSize: number;
  /** significant digits kept in the model file */
  digits: number;
}

export const RECIPES: Record<TaskId, Recipe> = {
  sentiment: {
    inputSize: 12, hiddenSize: 32, steps: 800, batchSize: 32, lr: 0.01, clipNorm: 5, forgetBias: 1,
    trainSize: 20000, testSize: 2000, digits: 5,
  },
  'long-range': {
    inputSize: 8, hiddenSize: 16, steps: 1000, batchSize: 32, lr: 0.01, clipNorm: 1, forgetBias: 2,
    trainSize: 20000, testSize: 2000, digits: 6,
  },
  brackets: {
    inputSize: 8, hiddenSize: 16, steps: 1000, batchSize: 32, lr: 0.01, clipNorm: 5, forgetBias: 1,
    trainSize: 20000, testSize: 2000, digits: 6,
  },
};

/** Learning rate at step s (0-based) of n: cosine from lr down to lr/10. */
export function scheduledLearningRate(lr: number, s: number, n: number): number {
  const progress = n <= 1 ? 1 : Math.min(1, Math.max(0, s / (n - 1)));
  return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
