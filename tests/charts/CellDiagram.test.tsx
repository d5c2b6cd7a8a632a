// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { color as d3color, interpolateRdBu, interpolateViridis } from 'd3';
import { CellDiagram, formatValue, stripBackground, type CellStepValues } from '../../src/charts/CellDiagram';

const rgbHex = (c: string): string => d3color(c)!.formatHex();

afterEach(cleanup);

// Unit 1 carries the numbers of the worked example: f = 0.93, c_{t-1} = 0.41, i = 0.12, g = -0.77.
// By hand: kept = 0.93 * 0.41 = 0.3813, written = 0.12 * -0.77 = -0.0924, c = 0.2889,
// h = o * tanh(c) = 0.6 * tanh(0.2889) = 0.6 * 0.28114 = 0.1687.
const lstm: CellStepValues = {
  cell: 'lstm',
  H: 3,
  hPrev: [0.1, -0.35, 0.2],
  cPrev: [0.5, 0.41, -0.3],
  h: [0.05, 0.1687, -0.1],
  c: [0.2, 0.2889, -0.4],
  gates: { i: [0.5, 0.12, 0.3], f: [0.2, 0.93, 0.8], g: [0.1, -0.77, 0.4], o: [0.9, 0.6, 0.1] },
};

describe('CellDiagram', () => {
  it("shows the selected unit's gate values, kept and written parts, c_t and h_t for the LSTM", () => {
    render(<CellDiagram values={lstm} unit={1} step={3} token="movie" />);
    const name = (re: RegExp) => screen.getByRole('img', { name: re });
    expect(name(/^Forget gate f, unit 1: 0\.93$/)).toBeTruthy();
    expect(name(/^Input gate i, unit 1: 0\.12$/)).toBeTruthy();
    expect(name(/^Candidate g, unit 1: -0\.77$/)).toBeTruthy();
    expect(name(/^Output gate o, unit 1: 0\.60$/)).toBeTruthy();
    expect(name(/^Previous cell state c\(t−1\), unit 1: 0\.41$/)).toBeTruthy();
    expect(name(/^Kept part f times c\(t−1\), unit 1: 0\.38$/)).toBeTruthy();
    expect(name(/^Written part i times g, unit 1: -0\.09$/)).toBeTruthy();
    expect(name(/^Cell state c, unit 1: 0\.29$/)).toBeTruthy();
    expect(name(/^Squashed cell state tanh\(c\), unit 1: 0\.28$/)).toBeTruthy();
    expect(name(/^Hidden state h, unit 1: 0\.17$/)).toBeTruthy();
    expect(name(/^Input x: “movie”$/)).toBeTruthy();
    // The numbers are also drawn as text in the boxes.
    const texts = Array.from(document.querySelectorAll('svg text')).map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['0.93', '0.38', '-0.09', '0.29', '0.17']));
  });

  it('follows the selected unit', () => {
    render(<CellDiagram values={lstm} unit={2} step={0} token="x" />);
    expect(screen.getByRole('img', { name: /^Forget gate f, unit 2: 0\.80$/ })).toBeTruthy();
    // kept = 0.8 * -0.3 = -0.24
    expect(screen.getByRole('img', { name: /^Kept part f times c\(t−1\), unit 2: -0\.24$/ })).toBeTruthy();
  });

  it('explains a part with its equation when it is hovered or focused, in a live region', () => {
    render(<CellDiagram values={lstm} unit={1} step={0} token="the" />);
    const forget = screen.getByRole('img', { name: /^Forget gate f/ });
    const live = document.getElementById(forget.getAttribute('aria-describedby')!)!;
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toMatch(/Hover over or focus/);
    fireEvent.mouseEnter(forget);
    expect(live.textContent).toMatch(/forget gate decides how much .* to keep.*f_t = σ\(/);
    expect(document.querySelector('.diagram-tooltip')!.textContent).toBe(live.textContent);
    fireEvent.mouseLeave(forget);
    const cell = screen.getByRole('img', { name: /^Cell state c,/ });
    fireEvent.focus(cell);
    expect(live.textContent).toMatch(/c_t = f_t ⊙ c_\(t−1\) \+ i_t ⊙ g_t/);
    expect(cell.getAttribute('tabindex')).toBe('0');
  });

  it('draws the GRU with its update mix: 1 − z, kept z·h(t−1) and written (1 − z)·n', () => {
    const gru: CellStepValues = {
      cell: 'gru',
      H: 2,
      hPrev: [0.6, -0.2],
      h: [0, 0],
      gates: { r: [0.3, 0.9], z: [0.25, 0.5], n: [0.8, 0.1] },
    };
    render(<CellDiagram values={gru} unit={0} step={1} token="not" />);
    expect(screen.getByRole('img', { name: /^One minus z, unit 0: 0\.75$/ })).toBeTruthy();
    // kept = 0.25 * 0.6 = 0.15; written = (1 - 0.25) * 0.8 = 0.6
    expect(screen.getByRole('img', { name: /^Kept part z times h\(t−1\), unit 0: 0\.15$/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Written part \(1−z\) times n, unit 0: 0\.60$/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Reset gate r, unit 0: 0\.30$/ })).toBeTruthy();
    expect(screen.queryByRole('img', { name: /Forget gate/ })).toBeNull();
  });

  it('draws the plain RNN as one tanh layer without gates', () => {
    const rnn: CellStepValues = { cell: 'rnn', H: 2, hPrev: [0, 0], h: [0.25, -0.5], gates: {} };
    render(<CellDiagram values={rnn} unit={1} step={0} token="a" />);
    expect(screen.getByRole('img', { name: /^tanh layer, unit 1: -0\.50$/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Hidden state h, unit 1: -0\.50$/ })).toBeTruthy();
    expect(screen.queryByRole('img', { name: /gate/ })).toBeNull();
  });

  it('selects a unit when a square of a strip is clicked', () => {
    const onSelectUnit = vi.fn();
    const { container } = render(<CellDiagram values={lstm} unit={0} step={0} token="a" onSelectUnit={onSelectUnit} />);
    // The strip is one element, three units wide here: a click in its last third is unit 2.
    const strip = container.querySelector<HTMLDivElement>('[data-part="f"] .unit-strip')!;
    expect(strip.dataset.units).toBe('3');
    strip.getBoundingClientRect = () => ({ left: 100, top: 50, width: 60, height: 10, right: 160, bottom: 60, x: 100, y: 50, toJSON: () => ({}) });
    fireEvent.click(strip, { clientX: 145, clientY: 55 });
    expect(onSelectUnit).toHaveBeenLastCalledWith(2);
    fireEvent.click(strip, { clientX: 101, clientY: 55 });
    expect(onSelectUnit).toHaveBeenLastCalledWith(0);
  });
});

describe('stripBackground', () => {
  it('gives each unit its colour from the heatmap scale, in order, one gradient row per strip row', () => {
    // Oracle: d3's interpolators at the table entry each value rounds to (q / 255), as hex.
    const gates = stripBackground([0, 1, 0.5, NaN], 'gate', 1, 4);
    const colors = [...gates.backgroundImage.matchAll(/(#[0-9a-f]{6}|transparent) [\d.]+% [\d.]+%/g)].map((m) => m[1]);
    expect(colors).toEqual([rgbHex(interpolateViridis(0)), rgbHex(interpolateViridis(1)), rgbHex(interpolateViridis(128 / 255)), '#888888']);
    expect(gates.backgroundImage).toMatch(/ 0% 25%, .* 25% 50%, .* 50% 75%, .* 75% 100%\)$/);

    const states = stripBackground([-1, 1, 0.2, -0.4, 0], 'signed', 2, 3);
    const rows = states.backgroundImage.split('linear-gradient').slice(1);
    expect(rows).toHaveLength(2);
    const second = [...rows[1].matchAll(/(#[0-9a-f]{6}|transparent) [\d.]+%/g)].map((m) => m[1]);
    // Units 3 and 4 fill the second row; its third square has no unit.
    // -0.4 is 0.3 of the way from -1 to 1: entry round(76.5) = 77; 0 is entry 128.
    expect(second).toEqual([rgbHex(interpolateRdBu(77 / 255)), rgbHex(interpolateRdBu(128 / 255)), 'transparent']);
    expect(states.backgroundSize).toBe('100% 50%');
    expect(states.backgroundPosition).toBe('0 0%, 0 100%');
  });
});

describe('formatValue', () => {
  it('writes two decimals, keeps small values visible and never prints NaN', () => {
    expect(formatValue(0.2889)).toBe('0.29');
    expect(formatValue(-0.0924)).toBe('-0.09');
    expect(formatValue(0)).toBe('0.00');
    expect(formatValue(0.0043)).toBe('0.0043');
    expect(formatValue(-0.00021)).toBe('-0.00021');
    expect(formatValue(3e-7)).toBe('3.0e-7');
    expect(formatValue(NaN)).toBe('overflow');
    expect(formatValue(-Infinity)).toBe('-overflow');
  });
});
