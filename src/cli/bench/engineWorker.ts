/**
 * Benchmark worker for gatescope's engine: times forward and forward + BPTT for the requested
 * cases. Runs in its own process, which never loads tfjs (see the note in src/cli/bench.ts).
 */
import { backward } from '../../engine/backward';
import { forward } from '../../engine/forward';
import type { ForwardTrace } from '../../engine/types';
import { benchIds, benchParams, crossEntropy, measure, runWorker, TARGET, type CaseResult } from './common';

void runWorker((req) => {
  const results: CaseResult[] = [];
  for (const c of req.cases) {
    const params = benchParams(c.cell);
    const ids = benchIds(c.T);
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
  return { impl: 'engine', info: `gatescope engine, Float64Array, node ${process.version}`, results };
});
