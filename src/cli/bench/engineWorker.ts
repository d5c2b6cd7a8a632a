/**
 * Benchmark worker for gatescope's engine: times forward and forward + BPTT for the requested
 * cases, and the Jacobian norms with the store's budgets. Runs in its own process, which never
 * loads tfjs (see the note in src/cli/bench.ts).
 */
import { backward } from '../../engine';
import { forward } from '../../engine';
import { jacobianNorms } from '../../engine';
import type { CellKind, ForwardTrace } from '../../engine';
import { JACOBIAN_PRECISE, JACOBIAN_QUICK } from '../../state/store';
import { benchIds, benchParams, crossEntropy, measure, runWorker, TARGET, type CaseResult, type JacobianResult } from './common';

void runWorker((req) => {
  const results: CaseResult[] = [];
  for (const c of req.cases) {
    const params = benchParams(c.cell, c);
    const ids = benchIds(c.T, params.vocabSize);
    let loss = NaN;
    const timing =
      c.mode === 'fwd'
        ? measure(() => {
            const trace: ForwardTrace = forward(params, ids);
            loss = crossEntropy(trace.logits, TARGET);
          }, req.budget)
        : measure(() => {
            loss = backward(params, forward(params, ids), TARGET).loss;
          }, req.budget);
    results.push({ ...c, timing, loss });
  }
  const jacobian: JacobianResult[] = [];
  const cells = [...new Set(req.cases.map((c) => c.cell))] as CellKind[];
  for (const cell of cells) {
    for (const T of req.jacobianTs ?? []) {
      const params = benchParams(cell);
      const trace = forward(params, benchIds(T));
      for (const budget of ['quick', 'precise'] as const) {
        const opts = budget === 'quick' ? JACOBIAN_QUICK : JACOBIAN_PRECISE;
        let meanNorm = NaN;
        const timing = measure(() => {
          const h = jacobianNorms(params, trace, opts).h;
          meanNorm = h.reduce((a, b) => a + b, 0) / T;
        }, req.budget);
        jacobian.push({ cell, T, budget, timing, meanNorm });
      }
    }
  }
  return { impl: 'engine', info: `gatescope engine, Float64Array, node ${process.version}`, results, jacobian };
});
