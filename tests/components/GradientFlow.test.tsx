// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { GradientFlow, gradientSummary } from '../../src/components/GradientFlow';
import { VisStoreProvider } from '../../src/state/context';
import { createVisStore } from '../../src/state/store';
import { formatNorm } from '../../src/charts/logScale';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('gradientSummary', () => {
  it('rounds the power of ten of first / last: 2e-9 / 4 = 5e-10 is 10^-9', () => {
    // log10(2e-9) - log10(4) = -8.699 - 0.602 = -9.301, which rounds to -9.
    const s = gradientSummary(['the', 'movie', 'was', 'good'], [2e-9, 1e-5, 1e-2, 4]);
    expect(s.kind).toBe('ratio');
    expect(s.kind === 'ratio' && s.exponent).toBe(-9);
    expect(s.text).toBe('The gradient reaching “the” is 10^-9 of the one at “good”.');
  });

  it('rounds 6e-3 / 2 = 3e-3 to 10^-3 (log10 = -2.52)', () => {
    const s = gradientSummary(['a', 'b'], [6e-3, 2]);
    expect(s.kind === 'ratio' && s.exponent).toBe(-3);
  });

  it('stays exact in log space where the ratio itself would underflow', () => {
    // 1e-310 / 1e10 = 1e-320 is subnormal; the exponent must still be -320.
    const s = gradientSummary(['a', 'b', 'c'], [1e-310, 1, 1e10]);
    expect(s.kind === 'ratio' && s.exponent).toBe(-320);
  });

  it('says "about as large" for equal norms and "times" when the gradient grew', () => {
    expect(gradientSummary(['a', 'b'], [1, 1.2]).text).toBe('The gradient reaching “a” is about as large as the one at “b”.');
    expect(gradientSummary(['a', 'b'], [2e3, 2]).text).toBe('The gradient reaching “a” is 10^3 times the one at “b”: it grew on the way back.');
  });

  it('quotes tokens by their visible labels, so an invisible or overriding character cannot garble the sentence', () => {
    // U+202E (right-to-left override) typed as the first token: raw, it would reverse the rest of the line.
    const s = gradientSummary(['\u202e', 'was', 'good'], [1e-3, 0.5, 1]);
    expect(s.text).toBe('The gradient reaching “U+202E” is 10^-3 of the one at “good”.');
    expect(s.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    // A very long word is cut, by code points, as on the chart's axis.
    const long = 'a'.repeat(2000);
    expect(gradientSummary([long, 'b'], [1, 1]).text).toBe(`The gradient reaching “${'a'.repeat(29)}…” is about as large as the one at “b”.`);
  });

  it('names the last token as padding when the sentence was padded', () => {
    const s = gradientSummary(['the', 'end', '.'], [1e-4, 1e-2, 1], [false, false, true]);
    expect(s.text).toBe('The gradient reaching “the” is 10^-4 of the one at the last token (padding “.”).');
  });

  it('words an exact zero and an overflow without numbers', () => {
    expect(gradientSummary(['the', 'end'], [0, 1]).text).toMatch(/^No gradient reaches “the” at all: .*exactly 0\.$/);
    expect(gradientSummary(['the', 'end'], [Infinity, 1]).text).toMatch(/^The gradient overflowed on its way from “end” back to “the”/);
    expect(gradientSummary(['the', 'end'], [NaN, 1]).kind).toBe('overflow');
    expect(gradientSummary(['one'], [1]).kind).toBe('single');
  });
});

function setup(initial: Parameters<typeof createVisStore>[0] = {}) {
  const store = createVisStore({ model: 'random', sentence: 'the movie was not good at all', ...initial });
  render(
    <VisStoreProvider store={store}>
      <GradientFlow />
    </VisStoreProvider>,
  );
  return store;
}

function bodyRows(name: string) {
  const table = screen.getByRole('table', { name });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => c.textContent));
}

describe('GradientFlow', () => {
  it("is a region whose Gradient norms table has one row per token with the engine's norms", () => {
    const store = setup({ cell: 'lstm' });
    const region = screen.getByRole('region', { name: 'Gradient flow' });
    expect(within(region).getByRole('table', { name: 'Gradient norms' })).toBeTruthy();
    const { tokens, grads } = store.getState();
    const rows = bodyRows('Gradient norms');
    expect(rows.map((r) => r[0])).toEqual(tokens);
    expect(rows.map((r) => r[1])).toEqual(Array.from(grads.dhNorm, formatNorm));
    expect(rows.map((r) => r[2])).toEqual(Array.from(grads.dcNorm!, formatNorm));
    expect(within(region).getByRole('table', { name: 'One-step Jacobian norms' })).toBeTruthy();
  });

  it('summarises the first against the last token in words', () => {
    const store = setup({ cell: 'rnn' });
    const { tokens, grads } = store.getState();
    const s = gradientSummary(tokens, grads.dhNorm);
    expect(s.kind).toBe('ratio');
    const exp = s.kind === 'ratio' ? s.exponent : 0;
    const region = screen.getByRole('region', { name: 'Gradient flow' });
    const expected = exp === 0 ? /about as large/ : new RegExp(`The gradient reaching “the” is 10${String(exp).replace('-', '−')}`);
    expect(region.textContent).toMatch(expected);
  });

  it('draws RNN, LSTM and GRU together when the compare box is ticked', async () => {
    const store = setup({ cell: 'gru' });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Compare RNN, LSTM and GRU' }));
    expect(store.getState().compare).toBe(true);
    const header = Array.from(screen.getByRole('table', { name: 'Gradient norms' }).querySelectorAll('thead th')).map((c) => c.textContent);
    expect(header).toEqual(['Token', 'RNN ||dL/dh||', 'LSTM ||dL/dh||', 'LSTM ||dL/dc||', 'GRU ||dL/dh||']);
    const rnn = store.getState().compareResults.rnn!;
    // The numbers follow the header right after the chart's frame.
    await waitFor(() => expect(bodyRows('Gradient norms').map((r) => r[1])).toEqual(Array.from(rnn.grads.dhNorm, formatNorm)));
    expect(screen.getAllByRole('listitem').some((li) => /^RNN:/.test(li.textContent ?? ''))).toBe(true);
  });

  it('plays the gradient backward from the last token to the first, then stops', () => {
    vi.useFakeTimers();
    const store = setup({ cell: 'lstm' });
    const T = store.getState().trace.T;
    fireEvent.click(screen.getByRole('button', { name: 'Play gradient backward' }));
    expect(store.getState().backwardPlay).toBe(T - 1);
    expect(screen.getByRole('button', { name: 'Stop gradient playback' })).toBeTruthy();
    const seen: number[] = [];
    // Small ticks so no step is skipped between two observations, whatever the interval.
    for (let k = 0; k < 1000 && store.getState().backwardPlay !== null; k++) {
      act(() => vi.advanceTimersByTime(20));
      const b = store.getState().backwardPlay;
      if (b !== null) seen.push(b);
    }
    // Every step from the last token down to the first, in order.
    expect([...new Set(seen)]).toEqual(Array.from({ length: T }, (_, k) => T - 1 - k));
    expect(store.getState().backwardPlay).toBeNull();
    expect(screen.getByRole('button', { name: 'Play gradient backward' })).toBeTruthy();
  });

  it('jumps straight to the first token when the student prefers reduced motion', () => {
    vi.stubGlobal('matchMedia', (q: string) => ({ matches: q.includes('reduce'), media: q, addEventListener() {}, removeEventListener() {} }));
    const store = setup({ cell: 'rnn' });
    fireEvent.click(screen.getByRole('button', { name: 'Play gradient backward' }));
    expect(store.getState().backwardPlay).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Stop gradient playback' }));
    expect(store.getState().backwardPlay).toBeNull();
  });
});
