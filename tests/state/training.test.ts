// The page side of training: how worker messages become the curve, the status and the model the
// visualizer shows, with a scripted worker and fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initParams } from '../../src/engine/init';
import { bracketsTask } from '../../src/engine/tasks/brackets';
import { createVisStore } from '../../src/state/store';
import { createTrainingClient, type WorkerLike } from '../../src/state/training';

class ScriptedWorker implements WorkerLike {
  received: unknown[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  onmessageerror: ((event: unknown) => void) | null = null;
  terminated = false;
  postMessage(m: unknown) {
    this.received.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  emit(data: unknown) {
    this.onmessage?.({ data });
  }
}

const CONFIG = { task: 'brackets', cell: 'gru', hidden: 4, lr: 0.01, steps: 100, seed: 1 } as const;

function weights(step: number) {
  return {
    type: 'weights',
    step,
    params: initParams({ cell: 'gru', inputSize: 2, hiddenSize: 4, vocabSize: bracketsTask.tokenizer.vocab.length, numClasses: 5, seed: step + 1 }),
    tokenizer: bracketsTask.tokenizer,
    labels: bracketsTask.labels,
  };
}

let clock = 0;
beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => vi.useRealTimers());

function setup() {
  const vis = createVisStore({ model: 'random', sentence: '((a)' });
  const worker = new ScriptedWorker();
  const client = createTrainingClient(vis, { createWorker: () => worker, applyEveryMs: 200, progressEveryMs: 100, now: () => clock });
  return { vis, worker, client };
}

describe('the training client', () => {
  it('hands the visualizer at most one set of weights per 200 ms, always the newest', () => {
    const { vis, worker, client } = setup();
    const labels: string[] = [];
    vis.subscribe((s, prev) => {
      if (s.modelInfo.label !== prev.modelInfo.label) labels.push(s.modelInfo.label);
    });
    client.start(CONFIG);
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(a)' });
    worker.emit(weights(0));
    vi.advanceTimersByTime(0);
    expect(labels).toHaveLength(1);
    // Five snapshots inside 100 ms: none shown yet, then only the last one.
    for (const step of [10, 20, 30, 40, 50]) {
      clock += 20;
      worker.emit(weights(step));
    }
    expect(labels).toHaveLength(1);
    clock += 100;
    vi.advanceTimersByTime(200);
    expect(labels).toHaveLength(2);
    expect(labels[1]).toMatch(/^training: brackets GRU step 50/);
    // The visualizer computed with those exact weights.
    expect(Array.from(vis.getState().params.weightHh)).toEqual(Array.from(weights(50).params.weightHh));
  });

  it('shows the weights at once when training pauses or finishes', () => {
    const { vis, worker, client } = setup();
    client.start(CONFIG);
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(a)' });
    worker.emit(weights(0));
    vi.advanceTimersByTime(0);
    clock += 10;
    client.pause();
    worker.emit(weights(7));
    vi.advanceTimersByTime(0);
    expect(vis.getState().modelInfo.label).toMatch(/step 7/);
    client.resume();
    clock += 10;
    worker.emit(weights(100));
    worker.emit({ type: 'progress', step: 100, loss: 0.1, accuracy: 1, evalAccuracy: 0.9 });
    worker.emit({ type: 'done', step: 100, evalAccuracy: 0.9 });
    expect(vis.getState().modelInfo.label).toMatch(/step 100/);
    expect(client.store.getState().status).toBe('done');
  });

  it('keeps a sentence the task can read and replaces one it cannot', () => {
    const a = setup();
    a.client.start(CONFIG);
    a.worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(b(c)' });
    a.worker.emit(weights(0));
    vi.advanceTimersByTime(0);
    expect(a.vis.getState().sentence).toBe('((a)');

    const vis = createVisStore({ model: 'random', sentence: 'the movie was good' });
    const worker = new ScriptedWorker();
    const client = createTrainingClient(vis, { createWorker: () => worker, now: () => clock });
    client.start(CONFIG);
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(b(c)' });
    worker.emit(weights(0));
    vi.advanceTimersByTime(0);
    expect(vis.getState().sentence).toBe('(b(c)');
    expect(vis.getState().unknown.every((u) => !u)).toBe(true);
  });

  it('counts training time without the pauses', () => {
    const { worker, client } = setup();
    client.start(CONFIG);
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(a)' });
    clock += 1000;
    client.pause();
    clock += 5000;
    client.resume();
    clock += 500;
    worker.emit({ type: 'progress', step: 10, loss: 1, accuracy: 0.2 });
    vi.advanceTimersByTime(100);
    expect(client.store.getState().elapsedMs).toBe(1500);
  });

  it('adds curve points in batches, so the panel redraws once per batch and keeps every point', () => {
    const { worker, client } = setup();
    client.start(CONFIG);
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(a)' });
    let updates = 0;
    client.store.subscribe((s, prev) => {
      if (s.points !== prev.points) updates++;
    });
    for (let step = 0; step <= 50; step += 5) {
      worker.emit({ type: 'progress', step, loss: 2 - step / 50, accuracy: step / 100, ...(step % 25 === 0 ? { evalAccuracy: step / 60 } : {}) });
    }
    expect(client.store.getState().points).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(updates).toBe(1);
    const s = client.store.getState();
    expect(s.points.map((p) => p.step)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(s.points[10]).toEqual({ step: 50, loss: 1, accuracy: 0.5 });
    expect(s.evals).toEqual([{ step: 0, accuracy: 0 }, { step: 25, accuracy: 25 / 60 }, { step: 50, accuracy: 50 / 60 }]);
    expect(s.step).toBe(50);
    // Pausing shows what has arrived at once.
    worker.emit({ type: 'progress', step: 55, loss: 0.9, accuracy: 0.6 });
    client.pause();
    expect(client.store.getState().points.at(-1)!.step).toBe(55);
  });

  it('reports a worker that cannot be created, and Reset clears it', () => {
    const vis = createVisStore({ model: 'random' });
    const client = createTrainingClient(vis, {
      createWorker: () => {
        throw new Error('Workers are disabled');
      },
    });
    client.start(CONFIG);
    expect(client.store.getState()).toMatchObject({ status: 'error', error: 'The training worker could not be started: Workers are disabled.' });
    client.reset();
    expect(client.store.getState()).toMatchObject({ status: 'idle', error: null });
  });

  it('keeps a finished run\'s curve when the next run starts, numbered, until the curves are cleared', () => {
    const { worker, client } = setup();
    client.start(CONFIG);
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(a)' });
    worker.emit({ type: 'progress', step: 0, loss: 1.6, accuracy: 0.2, evalAccuracy: 0.2 });
    worker.emit({ type: 'progress', step: 100, loss: 0.3, accuracy: 0.9, evalAccuracy: 0.95 });
    worker.emit({ type: 'done', step: 100, evalAccuracy: 0.95 });
    expect(client.store.getState()).toMatchObject({ status: 'done', runId: 1, runs: [] });

    const second = { ...CONFIG, cell: 'rnn' as const, hidden: 8 };
    client.start(second);
    const s = client.store.getState();
    expect(s).toMatchObject({ status: 'preparing', runId: 2, config: second, points: [], evals: [], step: 0 });
    expect(s.runs).toEqual([
      {
        id: 1,
        config: CONFIG,
        points: [
          { step: 0, loss: 1.6, accuracy: 0.2 },
          { step: 100, loss: 0.3, accuracy: 0.9 },
        ],
        evals: [
          { step: 0, accuracy: 0.2 },
          { step: 100, accuracy: 0.95 },
        ],
        step: 100,
        ended: 'done',
      },
    ]);

    // Reset mid-run keeps what arrived, including points still waiting for the batch, as a stopped run.
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(a)' });
    worker.emit({ type: 'progress', step: 0, loss: 1.7, accuracy: 0.2, evalAccuracy: 0.25 });
    worker.emit({ type: 'progress', step: 10, loss: 1.5, accuracy: 0.3 });
    client.reset();
    const afterReset = client.store.getState();
    expect(afterReset).toMatchObject({ status: 'idle', config: null, points: [] });
    expect(afterReset.runs.map((r) => [r.id, r.config.cell, r.ended, r.step, r.points.length])).toEqual([
      [1, 'gru', 'done', 100, 2],
      [2, 'rnn', 'stopped', 10, 2],
    ]);

    // A run that has not sent a point yet leaves nothing behind.
    client.start(CONFIG);
    client.reset();
    expect(client.store.getState().runs).toHaveLength(2);

    client.clearCurves();
    expect(client.store.getState()).toMatchObject({ status: 'idle', runs: [], points: [] });
  });

  it('clears only the earlier curves while a run is training', () => {
    const { worker, client } = setup();
    client.start(CONFIG);
    worker.emit({ type: 'progress', step: 0, loss: 1.6, accuracy: 0.2, evalAccuracy: 0.2 });
    worker.emit({ type: 'done', step: 0, evalAccuracy: 0.2 });
    client.start(CONFIG);
    worker.emit({ type: 'ready', totalSteps: 100, trainSize: 10, heldOutSize: 10, sample: '(a)' });
    worker.emit({ type: 'progress', step: 0, loss: 1.6, accuracy: 0.2, evalAccuracy: 0.2 });
    vi.advanceTimersByTime(100);
    expect(client.store.getState().runs).toHaveLength(1);
    client.clearCurves();
    expect(client.store.getState()).toMatchObject({ status: 'running', runId: 2, runs: [] });
    expect(client.store.getState().points).toHaveLength(1);
  });
});
