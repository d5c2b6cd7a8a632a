// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { CellDiagramPanel, stepValues } from '../../src/components/CellDiagramPanel';
import { forward } from '../../src/engine/forward';
import type { ModelParams } from '../../src/engine/types';
import { VisStoreProvider } from '../../src/state/context';
import { createVisStore } from '../../src/state/store';

afterEach(cleanup);

describe('stepValues', () => {
  it('takes h(t−1), c(t−1) and the gates of step t from the trace, zeros before the first step', () => {
    // H = 2, D = 1 LSTM; gates of step t live at gates[t*8 + b*2 + j] (i, f, g, o blocks).
    const f = (a: number[]) => Float64Array.from(a);
    const p: ModelParams = {
      cell: 'lstm', inputSize: 1, hiddenSize: 2, vocabSize: 1, numClasses: 2,
      weightIh: f([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]), weightHh: new Float64Array(16).fill(0.1),
      biasIh: new Float64Array(8), biasHh: new Float64Array(8), embedding: f([1]), headWeight: f([1, 0, 0, 1]), headBias: f([0, 0]),
    };
    const trace = forward(p, [0, 0, 0]);
    const v0 = stepValues(trace, 0);
    expect(Array.from(v0.hPrev)).toEqual([0, 0]);
    expect(Array.from(v0.cPrev!)).toEqual([0, 0]);
    const v2 = stepValues(trace, 2);
    expect(Array.from(v2.hPrev)).toEqual([trace.h[2], trace.h[3]]);
    expect(Array.from(v2.c!)).toEqual([trace.c![4], trace.c![5]]);
    expect(Array.from(v2.gates.f)).toEqual([trace.gates[16 + 2], trace.gates[16 + 3]]);
    expect(Array.from(v2.gates.o)).toEqual([trace.gates[16 + 6], trace.gates[16 + 7]]);
  });
});

describe('CellDiagramPanel', () => {
  it("shows the current step's values for the selected unit and follows a new unit", () => {
    const store = createVisStore({ model: 'random', cell: 'lstm', sentence: 'the movie was good', step: 2, unit: 4 });
    render(
      <VisStoreProvider store={store}>
        <CellDiagramPanel />
      </VisStoreProvider>,
    );
    const region = screen.getByRole('region', { name: 'Cell diagram' });
    const { trace } = store.getState();
    const H = trace.H;
    const f = (t: number, j: number) => trace.gates[t * 4 * H + H + j].toFixed(2).replace(/^-0\.00$/, '0.00');
    expect(within(region).getByRole('img', { name: `Forget gate f, unit 4: ${f(2, 4)}` })).toBeTruthy();
    expect(within(region).getByRole('img', { name: 'Input x: “was”' })).toBeTruthy();
    fireEvent.change(within(region).getByRole('spinbutton', { name: 'Unit shown' }), { target: { value: '7' } });
    expect(store.getState().unit).toBe(7);
    expect(within(region).getByRole('img', { name: `Forget gate f, unit 7: ${f(2, 7)}` })).toBeTruthy();
  });
});
