/**
 * The refinement slice: an interactive store first shows quick Jacobian norms (so typing and
 * dragging stay within a frame) and replaces them with precise ones once the input has been still
 * for `refineJacobianMs`, a chunk of steps per task so a long sentence never blocks the page.
 */

import type { StateCreator } from 'zustand/vanilla';
import type { CellKind } from '../engine';
import type { CellRun } from './derived';
import { jacobianRange, refineChunk } from './jacobianSteps';
import { JACOBIAN_PRECISE, type CachedRun, type RunCache } from './runCache';
import type { VisState } from './store';
import type { StoreTimers } from './timers';

/** Longest stretch of main-thread time one task of Jacobian refinement may take. */
const REFINE_SLICE_MS = 8;

export interface RefinementSlice {
  /** (Re)starts the wait before refining the shown norms; without a refinement delay, does nothing. */
  scheduleRefine(): void;
}

/** Makes `run`'s norms precise up to the end, or returns false once `deadline` has passed. */
function refineRun(cache: RunCache, run: CachedRun, deadline: number): boolean {
  while (!cache.isPrecise(run)) {
    if (performance.now() > deadline) return false;
    const t1 = Math.min(run.trace.T, run.jac.precise + refineChunk(run.trace.H, JACOBIAN_PRECISE.maxIter));
    jacobianRange(cache.engine.jacobianNorms, run.params, run.trace, run.jac.precise, t1, JACOBIAN_PRECISE, run.jac);
    run.jac.markPrecise(t1);
  }
  return true;
}

/** The refinement slice; `refineJacobianMs` undefined means the norms are precise from the start. */
export function createRefinementSlice(cache: RunCache, timers: StoreTimers, refineJacobianMs: number | undefined): StateCreator<VisState, [], [], RefinementSlice> {
  return (set, get) => {
    /** Shows the refined norms of every shown run in one state update. */
    function publishRefined(): void {
      const s = get();
      const compareResults: Partial<Record<CellKind, CellRun>> = {};
      for (const [cell, run] of cache.lastCompareRuns) {
        const prev = s.compareResults[cell];
        if (prev) compareResults[cell] = { ...prev, jac: run.jac };
      }
      set({ jac: cache.lastMainRun ? cache.lastMainRun.jac : s.jac, compareResults, jacPrecise: true });
    }

    function refineJacobians(): void {
      const pending = cache.pendingRuns();
      if (pending.length === 0) return;
      // Refine copies: the arrays the state holds must not change under the charts. Norms nobody
      // read yet are not computed quickly first: refining computes every step.
      for (const run of pending) run.jac = run.jac.refinable();
      const work = (): void => {
        const deadline = performance.now() + REFINE_SLICE_MS;
        // Yield between chunks once this task has used a few ms; a new edit cancels the rest.
        if (!pending.every((run) => refineRun(cache, run, deadline))) {
          timers.refine.after(0, work);
          return;
        }
        publishRefined();
      };
      work();
    }

    return {
      scheduleRefine() {
        timers.refine.stop();
        if (refineJacobianMs === undefined) return;
        timers.refine.after(refineJacobianMs, refineJacobians);
      },
    };
  };
}
