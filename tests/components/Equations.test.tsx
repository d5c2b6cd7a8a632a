// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { cellEquations, Equations, preActivation } from '../../src/components/Equations';
import { forward } from '../../src/engine/forward';
import type { CellKind, ModelParams } from '../../src/engine/types';
import { VisStoreProvider } from '../../src/state/context';
import { createVisStore } from '../../src/state/store';

afterEach(cleanup);

/** A one-unit, one-input model whose every number is written out, fed x = 1 twice. */
function tiny(cell: CellKind, wIh: number[], wHh: number[], bIh: number[], bHh: number[]): ModelParams {
  const f = (a: number[]) => Float64Array.from(a);
  return {
    cell, inputSize: 1, hiddenSize: 1, vocabSize: 1, numClasses: 2,
    weightIh: f(wIh), weightHh: f(wHh), biasIh: f(bIh), biasHh: f(bHh),
    embedding: f([1]), headWeight: f([1, -1]), headBias: f([0, 0]),
  };
}

// Expected numbers worked out by hand (Python, math module) from the weights below; step t = 1.
describe('cellEquations', () => {
  it('substitutes the LSTM unit numbers, e.g. c_t = f·c_(t−1) + i·g', () => {
    const p = tiny('lstm', [0.5, 1.0, -1.0, 0.2], [0.3, 0.4, 0.6, -0.5], [0, 0.5, 0, 0], [0.1, 0, 0.2, 0]);
    const eqs = cellEquations(p, forward(p, [0, 0]), 1, 0);
    expect(eqs.map((e) => e.livePlain)).toEqual([
      'i_t[0] = σ(0.50 + 0.03) = σ(0.53) = 0.63',
      'f_t[0] = σ(1.50 + (-0.09)) = σ(1.41) = 0.80',
      'g_t[0] = tanh(-1.00 + 0.07) = tanh(-0.93) = -0.73',
      'o_t[0] = σ(0.20 + 0.11) = σ(0.31) = 0.58',
      'c_t[0] = 0.80 · (-0.43) + 0.63 · (-0.73) = -0.81',
      'h_t[0] = 0.58 · tanh(-0.81) = -0.39',
    ]);
    expect(eqs[4].liveTex).toBe('c_t[0] = 0.80 \\cdot (-0.43) + 0.63 \\cdot (-0.73) = -0.81');
    expect(eqs[4].tex).toBe('c_t = f_t \\odot c_{t-1} + i_t \\odot g_t');
  });

  it('substitutes the GRU numbers, with the reset gate scaling the recurrent part of n', () => {
    const p = tiny('gru', [0.8, -0.4, 1.2], [0.5, 0.9, -0.7], [0.1, 0, -0.2], [0, 0.3, 0.4]);
    const eqs = cellEquations(p, forward(p, [0, 0]), 1, 0);
    expect(eqs.map((e) => e.livePlain)).toEqual([
      'r_t[0] = σ(0.90 + 0.23) = σ(1.13) = 0.75',
      'z_t[0] = σ(-0.40 + 0.71) = σ(0.31) = 0.58',
      'n_t[0] = tanh(1.00 + 0.75 · 0.08) = tanh(1.06) = 0.79',
      'h_t[0] = (1 − 0.58) · 0.79 + 0.58 · 0.45 = 0.59',
    ]);
  });

  it('substitutes the plain RNN numbers, with h_(t−1) = 0 at the first step', () => {
    const p = tiny('rnn', [0.7], [-1.5], [0.1], [0.05]);
    const trace = forward(p, [0, 0]);
    expect(cellEquations(p, trace, 0, 0)[0].livePlain).toBe('h_t[0] = tanh(0.80 + 0.05) = tanh(0.85) = 0.69');
    expect(cellEquations(p, trace, 1, 0)[0].livePlain).toBe('h_t[0] = tanh(0.80 + (-0.99)) = tanh(-0.19) = -0.18');
  });
});

describe('Equations', () => {
  it('shows plain-text equations at once and KaTeX once it has loaded', async () => {
    const store = createVisStore({ model: 'random', cell: 'lstm', sentence: 'the movie was good', step: 2, unit: 3 });
    const { container } = render(
      <VisStoreProvider store={store}>
        <Equations />
      </VisStoreProvider>,
    );
    const region = screen.getByRole('region', { name: 'Equations' });
    expect(within(region).getByText(/LSTM at step 3, unit 3/)).toBeTruthy();
    await waitFor(() => expect(container.querySelectorAll('.katex').length).toBe(12));
    expect(container.querySelectorAll('.equation-plain').length).toBe(0);
    // MathML is present for screen readers.
    expect(container.querySelectorAll('math').length).toBe(12);
  });

  it('never puts the typed sentence into the rendered math', async () => {
    const store = createVisStore({ model: 'random', cell: 'gru', sentence: '\\href{javascript:alert(1)}{x} $\\unit$ good' });
    const { container } = render(
      <VisStoreProvider store={store}>
        <Equations />
      </VisStoreProvider>,
    );
    await waitFor(() => expect(container.querySelectorAll('.katex').length).toBeGreaterThan(0));
    expect(container.querySelector('a')).toBeNull();
    expect(container.textContent).not.toMatch(/javascript|href|unit\$/);
  });
});

describe('preActivation on a stacked model', () => {
  it("splits the top layer's pre-activation: its own W_ih times the layer below's h, and its W_hh times its own h", () => {
    // Two one-unit LSTM layers: the top layer reads the bottom layer's h, so its input side is not W_ih^0 x_t.
    const p = tiny('lstm', [0.5, 1.0, -1.0, 0.2], [0.3, 0.4, 0.6, -0.5], [0, 0.5, 0, 0], [0.1, 0, 0.2, 0]);
    const f = (a: number[]) => Float64Array.from(a);
    p.upperLayers = [{ weightIh: f([2, -1, 0.5, 1.5]), weightHh: f([-0.4, 0.2, 0.9, 0.3]), biasIh: f([0.1, 0.2, 0.3, 0.4]), biasHh: f([0, 0, 0, 0]) }];
    const trace = forward(p, [0, 0]);
    const below = trace.layers[0].h[1];
    const hPrev = trace.layers[1].h[0];
    for (let b = 0; b < 4; b++) {
      const pre = preActivation(p, trace, 1, b, 0);
      expect(pre.input).toBeCloseTo([2, -1, 0.5, 1.5][b] * below + [0.1, 0.2, 0.3, 0.4][b], 14);
      expect(pre.recurrent).toBeCloseTo([-0.4, 0.2, 0.9, 0.3][b] * hPrev, 14);
    }
    // The input gate of the top layer is the sigmoid of the two sides.
    const i = preActivation(p, trace, 1, 0, 0);
    expect(1 / (1 + Math.exp(-(i.input + i.recurrent)))).toBeCloseTo(trace.gates[4], 14);
  });
});
