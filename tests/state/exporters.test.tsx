// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { parseModelFile } from '../../src/engine/modelFile';
import { buildTrace } from '../../src/engine/traceJson';
import { GATE_NAMES } from '../../src/engine/types';
import { exportLayout, findCharts, traceCsv, traceJsonText } from '../../src/state/exporters';
import { createVisStore } from '../../src/state/store';
import { setUserModelLayout } from '../../src/state/userModel';
import '../components/render';

afterEach(cleanup);

const fixture = (name: string) => parseModelFile(JSON.parse(readFileSync(resolve('tests/fixtures', name), 'utf8')));

/** A store showing a fixture model on a sentence, as the Load model button leaves it. */
function storeWith(name: string, sentence: string) {
  const { model, layout } = fixture(name);
  const store = createVisStore({ sentence, model: 'random' });
  setUserModelLayout(store, layout);
  store.getState().loadUserModel(model, { label: name, source: 'file' });
  return { store, model, layout };
}

describe('the trace download', () => {
  it.each([
    ['lstm-pytorch.json', 'the movie was not good'],
    ['gru-keras.json', 'a dull plot but great acting'],
    ['rnn-pytorch.json', 'abc ab'],
  ])('for %s is the object the trace command builds for the same model and sentence', (name, sentence) => {
    const { store, model, layout } = storeWith(name, sentence);
    expect(exportLayout(store)).toBe(layout);
    const fromApp = JSON.parse(traceJsonText(store.getState(), exportLayout(store)));
    // buildTrace is the trace command's own function: it tokenizes and runs the model itself.
    expect(fromApp).toEqual(buildTrace(model, layout, sentence));
  });

  it('writes gradients in the PyTorch layout for the shipped and random models', () => {
    const store = createVisStore({ model: 'random', sentence: 'not good' });
    expect(exportLayout(store)).toBe('pytorch');
    const json = JSON.parse(traceJsonText(store.getState(), 'pytorch'));
    expect(Object.keys(json.grad.params.weights)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  });
});

describe('the CSV download', () => {
  it.each([['lstm-pytorch.json'], ['gru-keras.json'], ['rnn-pytorch.json']])('for %s has one row per step and unit that agrees with the JSON', (name) => {
    const { store } = storeWith(name, 'the movie, "not" good');
    const s = store.getState();
    const json = JSON.parse(traceJsonText(s, 'pytorch'));
    const lines = traceCsv(s).trimEnd().split('\n');
    const { T, H, cell } = s.trace;
    expect(lines.length).toBe(1 + T * H);
    const header = lines[0].split(',');
    const gates = [...GATE_NAMES[cell]];
    expect(header).toEqual(['step', 'token', 'unit', 'h', ...(cell === 'lstm' ? ['c'] : []), ...gates, 'dL/dh', ...(cell === 'lstm' ? ['dL/dc'] : [])]);
    // Every row against the JSON trace: the step's h, c and gates, and dL/dh (whose norm the JSON lists).
    const dhSq = new Array<number>(T).fill(0);
    for (let r = 1; r < lines.length; r++) {
      const cells = parseCsvLine(lines[r]);
      const [t, token, u] = [Number(cells[0]), cells[1], Number(cells[2])];
      expect(t * H + u).toBe(r - 1);
      expect(token).toBe(json.tokens[t]);
      const row = Object.fromEntries(header.map((k, i) => [k, cells[i]]));
      expect(Number(row.h)).toBe(json.steps[t].h[u]);
      if (cell === 'lstm') expect(Number(row.c)).toBe(json.steps[t].c[u]);
      for (const g of gates) expect(Number(row[g])).toBe(json.steps[t].gates[g][u]);
      dhSq[t] += Number(row['dL/dh']) ** 2;
    }
    dhSq.forEach((sq, t) => expect(Math.sqrt(sq)).toBeCloseTo(json.grad.h[t], 12));
  });
});

/** A CSV line split by RFC 4180 quoting. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

describe('finding the charts on the page', () => {
  it('lists every chart of the app by what it shows, heatmaps by their map', () => {
    render(<App store={createVisStore({ model: 'random', sentence: 'not bad', cell: 'lstm' })} />);
    const charts = findCharts(document);
    const names = charts.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['Cell diagram', 'Prediction track', 'Hidden state h', 'Cell state c', 'Forget gate f', 'Gradient norms', 'One-step Jacobian norms']));
    expect(new Set(names).size).toBe(names.length);
    expect(charts.find((c) => c.name === 'Hidden state h')?.kind).toBe('heatmap');
    expect(charts.find((c) => c.name === 'Gradient norms')?.element.tagName.toLowerCase()).toBe('svg');
  });
});
