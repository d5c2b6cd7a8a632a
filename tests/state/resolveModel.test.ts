import { describe, expect, it } from 'vitest';
import type { CellKind, Model } from '../../src/engine/types';
import { randomModel, type ModelEntry } from '../../src/state/models';
import type { Loaded, ModelSource } from '../../src/state/modelSource';
import { noticeText } from '../../src/state/notices';
import { resolveModel, resolvedNotice } from '../../src/state/resolveModel';

const entry = (id: string, cell: CellKind, extra: Partial<ModelEntry> = {}): ModelEntry => ({
  id,
  file: `${id}.json`,
  task: 'toy',
  cell,
  testAccuracy: 0.9,
  description: `the ${id} model`,
  sentence: '',
  ...extra,
});

const trained = randomModel('lstm', 7);

function source(over: Partial<ModelSource> = {}): ModelSource {
  return {
    library: { status: 'ready', entries: [entry('toy-lstm', 'lstm'), entry('toy-gru', 'gru')], tasks: ['toy'], problems: [] },
    loaded: {},
    userModel: null,
    libraryVersion: 0,
    ...over,
  };
}

/** Counts the random models asked for, and says which model each imitates. */
function randoms() {
  const made: { cell: CellKind; seed: number; like: string }[] = [];
  const random = (cell: CellKind, seed: number, like?: { id: string; model: Model }) => {
    made.push({ cell, seed, like: like?.id ?? 'builtin' });
    return randomModel(cell, seed, like?.model);
  };
  return { made, random };
}

describe('choosing a model', () => {
  it('shows a loaded trained model with its accuracy and no notice', () => {
    const { random, made } = randoms();
    const r = resolveModel('toy', 'lstm', 1, source({ loaded: { 'toy-lstm': { state: 'ok', model: trained } } }), random);
    expect(r.model).toBe(trained);
    expect(r.info).toMatchObject({ id: 'toy-lstm', label: 'toy LSTM, trained, test accuracy 90%', trained: true, cell: 'lstm' });
    expect(r.notice).toBeNull();
    expect(made).toEqual([]);
  });

  it('stands in random weights in the vocabulary of a loaded sibling while a cell is loading', () => {
    const { random, made } = randoms();
    const loaded: Record<string, Loaded> = { 'toy-lstm': { state: 'ok', model: trained }, 'toy-gru': { state: 'loading' } };
    const r = resolveModel('toy', 'gru', 3, source({ loaded }), random);
    expect(r.info.trained).toBe(false);
    expect(r.notice).toEqual({ code: 'cell-loading', cell: 'gru' });
    expect(made).toEqual([{ cell: 'gru', seed: 3, like: 'toy-lstm' }]);
    expect(resolvedNotice(r)).toBe('Loading the trained GRU; showing random weights until it arrives.');
  });

  it('names the reason for random weights in each case', () => {
    const { random } = randoms();
    const codes = [
      resolveModel('toy', 'rnn', 1, source(), random).notice,
      resolveModel('toy', 'lstm', 1, source({ loaded: { 'toy-lstm': { state: 'failed', message: 'HTTP 404' } } }), random).notice,
      resolveModel('other', 'lstm', 1, source(), random).notice,
      resolveModel('toy', 'lstm', 1, source({ library: { status: 'ready', entries: [], tasks: [], problems: [] } }), random).notice,
      resolveModel('toy', 'lstm', 1, source({ library: { status: 'loading', entries: [], tasks: [], problems: [] } }), random).notice,
      resolveModel('user', 'lstm', 1, source(), random).notice,
      resolveModel('./mine.json', 'lstm', 1, source(), random).notice,
      resolveModel('random', 'lstm', 1, source(), random).notice,
    ];
    expect(codes.map((n) => n?.code ?? null)).toEqual([
      'no-such-cell',
      'cell-failed',
      'no-such-task',
      'library-empty',
      'library-loading',
      'user-model-gone',
      'model-file-loading',
      null,
    ]);
    expect(noticeText(codes[0]!)).toBe('There is no trained RNN for "toy"; this RNN has random weights with the same vocabulary and sizes.');
    expect(noticeText(codes[1]!)).toBe('The trained LSTM could not be loaded (HTTP 404); showing random weights.');
    expect(noticeText(codes[6]!)).toBe('Loading the model file ./mine.json; showing random weights until it arrives.');
  });

  it("shows the user's model, and random weights in its sizes for another cell", () => {
    const { random, made } = randoms();
    const userModel = { model: trained, meta: { label: 'mine.json', source: 'file' as const } };
    const own = resolveModel('user', 'lstm', 1, source({ userModel, libraryVersion: 4 }), random);
    expect(own.model).toBe(trained);
    expect(own.info.label).toBe('mine.json (LSTM, your model)');
    const other = resolveModel('user', 'gru', 1, source({ userModel, libraryVersion: 4 }), random);
    expect(other.info.trained).toBe(false);
    expect(resolvedNotice(other)).toBe('Your model is LSTM; this GRU has random weights with its vocabulary and sizes.');
    expect(made).toEqual([{ cell: 'gru', seed: 1, like: 'user:4' }]);
  });

  it('does not mistake an inherited property for a loaded model when an entry is named like one', () => {
    const { random } = randoms();
    const library = { status: 'ready' as const, entries: [entry('constructor', 'lstm')], tasks: ['toy'], problems: [] };
    expect(resolveModel('toy', 'lstm', 1, source({ library }), random).notice).toEqual({ code: 'cell-loading', cell: 'lstm' });
  });
});
