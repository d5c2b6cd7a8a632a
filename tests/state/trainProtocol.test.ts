// The training worker's logic, driven in Node through its session object (no Worker needed), and
// the message checks both sides apply.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainOne } from '../../src/cli/train';
import { parseModelText } from '../../src/engine/modelFile';
import { createRng } from '../../src/engine/random';
import { TASKS } from '../../src/engine/tasks/index';
import { RECIPES } from '../../src/engine/tasks/recipes';
import { encodeExamples, evaluateExamples } from '../../src/engine/train';
import type { ModelParams } from '../../src/engine/types';
import { checkMainMessage, checkWorkerMessage, type ProgressMessage, type WeightsMessage, type WorkerToMain } from '../../src/state/trainProtocol';
import { HELD_OUT_SEED, createTrainSession, type SessionOptions } from '../../src/state/trainSession';

/** A host whose scheduled slices run only when the test says so, with a clock that stands still. */
function manual(options: SessionOptions = {}) {
  const posted: WorkerToMain[] = [];
  const queue: (() => void)[] = [];
  const session = createTrainSession(
    { post: (m) => posted.push(m), schedule: (fn) => queue.push(fn), now: () => 0 },
    { sliceSteps: 4, trainSize: 400, heldOutSize: 80, curvePoints: 10, evalPoints: 5, ...options },
  );
  return {
    session,
    posted,
    /** runs queued slices, at most n of them */
    run(n = Infinity) {
      for (let k = 0; k < n && queue.length > 0; k++) queue.shift()!();
    },
    get queued() {
      return queue.length;
    },
    of<T extends WorkerToMain['type']>(type: T) {
      return posted.filter((m): m is Extract<WorkerToMain, { type: T }> => m.type === type);
    },
  };
}

const BRACKETS = { type: 'start', task: 'brackets', cell: 'gru', hidden: 8, lr: 0.03, steps: 40, seed: 3 } as const;

describe('the training session', () => {
  it('trains after start: progress with falling loss, then the final weights and done', () => {
    const h = manual();
    h.session.handle(BRACKETS);
    expect(h.posted[0]).toMatchObject({ type: 'ready', totalSteps: 40, trainSize: 400, heldOutSize: 80 });
    h.run();
    const progress = h.of('progress');
    expect(progress.map((p) => p.step)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    // Step 0 is the untrained model on held-out texts: about ln 5 for five depth labels.
    expect(progress[0].loss).toBeGreaterThan(1.3);
    const late = progress.slice(-3).reduce((s, p) => s + p.loss, 0) / 3;
    expect(late).toBeLessThan(0.85 * progress[0].loss);
    const done = h.of('done');
    expect(done).toHaveLength(1);
    expect(done[0].step).toBe(40);
    expect(h.session.state).toBe('done');

    // The reported held-out accuracy is that of the final weights, recomputed independently here.
    const weights = h.of('weights').at(-1)!;
    expect(weights.step).toBe(40);
    const task = TASKS.brackets;
    const heldOut = encodeExamples(task.generate(createRng(HELD_OUT_SEED.brackets), 'test', 80), task.tokenizer);
    const independent = evaluateExamples(weights.params, heldOut).accuracy;
    expect(done[0].evalAccuracy).toBe(independent);
    expect(independent).toBeGreaterThan(progress[0].evalAccuracy!);
  });

  it('stops posting progress while paused and carries on from the same step on resume', () => {
    const h = manual();
    h.session.handle(BRACKETS);
    h.run(2);
    const before = h.of('progress').length;
    h.session.handle({ type: 'pause' });
    expect(h.session.state).toBe('paused');
    // Pausing shows the weights training stopped at.
    expect(h.posted.at(-1)).toMatchObject({ type: 'weights', step: 8 });
    h.run();
    expect(h.of('progress').length).toBe(before);
    expect(h.queued).toBe(0);

    h.session.handle({ type: 'resume' });
    h.run();
    const steps = h.of('progress').map((p) => p.step);
    expect(steps).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    expect(h.of('done')).toHaveLength(1);

    // A pause changes when training runs, not what it computes: same weights as an uninterrupted run.
    const straight = manual();
    straight.session.handle(BRACKETS);
    straight.run();
    const a = h.of('weights').at(-1)!.params;
    const b = straight.of('weights').at(-1)!.params;
    expect(Array.from(a.weightHh)).toEqual(Array.from(b.weightHh));
    expect(Array.from(a.headWeight)).toEqual(Array.from(b.headWeight));
  });

  it('ignores resume when not paused and pause when not running', () => {
    const h = manual();
    h.session.handle({ type: 'pause' });
    h.session.handle({ type: 'resume' });
    expect(h.posted).toEqual([]);
    h.session.handle(BRACKETS);
    h.session.handle({ type: 'resume' });
    expect(h.queued).toBe(1);
  });

  it('drops the run on reset, so its queued slices do nothing, and starts afresh after', () => {
    const h = manual();
    h.session.handle(BRACKETS);
    h.run(1);
    h.session.handle({ type: 'reset' });
    expect(h.session.state).toBe('idle');
    const count = h.posted.length;
    h.run();
    expect(h.posted.length).toBe(count);

    h.session.handle({ ...BRACKETS, steps: 8 });
    h.run();
    expect(h.of('done').map((d) => d.step)).toEqual([8]);
  });

  it('answers malformed messages with an error naming the problem, never a throw, and keeps training', () => {
    const h = manual();
    h.session.handle(BRACKETS);
    h.run(1);
    const bad: [unknown, RegExp][] = [
      [null, /expected an object, found null/],
      ['start', /expected an object, found "start"/],
      [[1, 2], /expected an object, found an array of 2/],
      [{}, /unknown type nothing/],
      [{ type: 'explode' }, /unknown type "explode"/],
      [{ ...BRACKETS, task: 'poetry' }, /start\.task: expected one of sentiment, long-range, brackets, found "poetry"/],
      [{ ...BRACKETS, cell: 'transformer' }, /start\.cell: expected one of rnn, lstm, gru/],
      [{ ...BRACKETS, hidden: 2.5 }, /start\.hidden: expected a whole number, found 2.5/],
      [{ ...BRACKETS, hidden: 0 }, /start\.hidden: 0 is below 1/],
      [{ ...BRACKETS, hidden: 1e6 }, /start\.hidden: 1000000 is above 256/],
      [{ ...BRACKETS, lr: Number.NaN }, /start\.lr: expected a finite number, found NaN/],
      [{ ...BRACKETS, lr: '0.01' }, /start\.lr: expected a finite number, found "0.01"/],
      [{ ...BRACKETS, steps: -5 }, /start\.steps: -5 is below 1/],
      [{ type: 'start', task: 'brackets', cell: 'gru', hidden: 8, lr: 0.01, steps: 10 }, /start\.seed: expected a finite number, found nothing/],
      [JSON.parse('{"type":"start","__proto__":{"task":"brackets"}}'), /start\.task: expected one of/],
    ];
    for (const [data, problem] of bad) {
      const count = h.posted.length;
      expect(() => h.session.handle(data)).not.toThrow();
      expect(h.posted.length).toBe(count + 1);
      const last = h.posted.at(-1)!;
      expect(last.type).toBe('error');
      expect((last as { message: string }).message).toMatch(problem);
    }
    // The run that was going on is untouched.
    expect(h.session.state).toBe('running');
    h.run();
    expect(h.of('done')).toHaveLength(1);
  });

  it('posts weights as copies that later training does not change', () => {
    const h = manual({ weightsEveryMs: 0 });
    h.session.handle(BRACKETS);
    const first = h.of('weights')[0];
    const snapshot = Array.from(first.params.weightHh);
    h.run();
    expect(Array.from(first.params.weightHh)).toEqual(snapshot);
    // weightsEveryMs 0: a snapshot after every slice, each a different array.
    const all = h.of('weights');
    expect(all.length).toBeGreaterThan(5);
    expect(new Set(all.map((w) => w.params.weightHh)).size).toBe(all.length);
  });

  it('reproduces the model the train command writes, given the same seed and settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatescope-train-'));
    try {
      const recipe = { ...RECIPES['long-range'], hiddenSize: 6, steps: 12, trainSize: 300, testSize: 50 };
      const out = join(dir, 'model.json');
      trainOne({ task: 'long-range', cell: 'lstm', recipe, seed: 5, out }, () => {});
      const cli = parseModelText(readFileSync(out, 'utf8')).params;

      const h = manual({ trainSize: 300 });
      h.session.handle({ type: 'start', task: 'long-range', cell: 'lstm', hidden: 6, lr: recipe.lr, steps: 12, seed: 5 });
      h.run();
      const mine = h.of('weights').at(-1)!.params;
      const round = (p: ModelParams, k: 'weightIh' | 'weightHh' | 'biasHh' | 'embedding' | 'headWeight') =>
        Array.from(p[k], (x) => Number(x.toPrecision(recipe.digits)));
      for (const k of ['weightIh', 'weightHh', 'biasHh', 'embedding', 'headWeight'] as const) {
        expect(round(mine, k)).toEqual(Array.from(cli[k]));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the message checks', () => {
  it('accept every message a training run posts', () => {
    const h = manual({ weightsEveryMs: 0 });
    h.session.handle(BRACKETS);
    h.session.handle({ type: 'bogus' });
    h.run();
    const types = new Set<string>();
    for (const m of h.posted) {
      const checked = checkWorkerMessage(m);
      expect(checked).toEqual({ ok: true, message: m });
      types.add(m.type);
    }
    expect([...types].sort()).toEqual(['done', 'error', 'progress', 'ready', 'weights']);
  });

  it('accept the four page messages', () => {
    for (const type of ['pause', 'resume', 'reset'] as const) expect(checkMainMessage({ type })).toEqual({ ok: true, message: { type } });
    expect(checkMainMessage(BRACKETS)).toEqual({ ok: true, message: BRACKETS });
  });

  it('reject worker messages of the wrong shape, naming the field', () => {
    const h = manual();
    h.session.handle(BRACKETS);
    const weights = h.of('weights')[0] as WeightsMessage;
    const problem = (data: unknown): string => {
      const c = checkWorkerMessage(data);
      return c.ok ? 'accepted' : c.problem;
    };
    const shortHh = { ...weights, params: { ...weights.params, weightHh: new Float64Array(3) } };
    expect(problem(shortHh)).toBe(`weights.params.weightHh: expected ${3 * 8 * 8} numbers, found 3`);
    const plainArray = { ...weights, params: { ...weights.params, biasIh: Array.from(weights.params.biasIh) } };
    expect(problem(plainArray)).toMatch(/weights\.params\.biasIh: expected a Float64Array, found an array of 24/);
    expect(problem({ ...weights, labels: ['only one'] })).toMatch(/weights\.labels: expected 5 strings/);
    expect(problem({ ...weights, tokenizer: { ...weights.tokenizer, unk: '#' } })).toMatch(/weights\.tokenizer\.unk: "#" is not in the vocabulary/);
    const progress: ProgressMessage = { type: 'progress', step: 3, loss: 0.5, accuracy: 0.5 };
    expect(problem({ ...progress, loss: Number.NaN })).toMatch(/progress\.loss: expected a finite number, found NaN/);
    expect(problem({ ...progress, accuracy: 1.5 })).toMatch(/progress\.accuracy: 1\.5 is above 1/);
    expect(problem({ ...progress, evalAccuracy: 'high' })).toMatch(/progress\.evalAccuracy: expected a finite number/);
    expect(problem({ type: 'error' })).toMatch(/error\.message: expected text, found nothing/);
    expect(problem(42)).toMatch(/worker message: expected an object, found 42/);
  });
});
