// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { GradientChart } from '../../src/charts/GradientChart';
import { JacobianChart } from '../../src/charts/JacobianChart';
import { markersPath } from '../../src/charts/NormChart';

afterEach(cleanup);

function tableRows(name: string) {
  const table = screen.getByRole('table', { name });
  const [head, ...rows] = within(table).getAllByRole('row');
  const cells = (row: HTMLElement) => Array.from(row.querySelectorAll('th, td')).map((c) => c.textContent);
  return { header: cells(head), rows: rows.map(cells) };
}

describe('GradientChart', () => {
  it('lists one row per token with ||dL/dh|| and ||dL/dc|| in scientific notation for the LSTM', () => {
    render(
      <GradientChart
        tokens={['the', 'movie', 'was', 'good']}
        cells={[{ cell: 'lstm', dhNorm: [3.2e-9, 4.57e-5, 0.0123, 0.5], dcNorm: [7.1e-3, 0.0212, 0.15, 2] }]}
        step={1}
      />,
    );
    const { header, rows } = tableRows('Gradient norms');
    expect(header).toEqual(['Token', '||dL/dh||', '||dL/dc||']);
    expect(rows).toEqual([
      ['the', '3.2e-9', '7.1e-3'],
      ['movie', '4.6e-5', '2.1e-2'],
      ['was', '1.2e-2', '1.5e-1'],
      ['good', '5.0e-1', '2.0e0'],
    ]);
  });

  it('has no ||dL/dc|| column for a cell without a cell state', () => {
    render(<GradientChart tokens={['a', 'b']} cells={[{ cell: 'rnn', dhNorm: [1e-3, 1] }]} step={0} />);
    expect(tableRows('Gradient norms').header).toEqual(['Token', '||dL/dh||']);
  });

  it('shows zeros as "0" and Infinity or NaN as "overflow", with no "NaN" anywhere in the page', () => {
    const { container } = render(
      <GradientChart
        tokens={['w0', 'w1', 'w2', 'w3', 'w4']}
        cells={[{ cell: 'lstm', dhNorm: [0, Infinity, NaN, 1e-3, 1], dcNorm: [NaN, 0, 1e-300, Infinity, 2] }]}
        step={2}
        reached={1}
        hoverStep={0}
      />,
    );
    expect(tableRows('Gradient norms').rows).toEqual([
      ['w0', '0', 'overflow'],
      ['w1', 'overflow', '0'],
      ['w2', 'overflow', '1.0e-300'],
      ['w3', '1.0e-3', 'overflow'],
      ['w4', '1.0e0', '2.0e0'],
    ]);
    expect(container.innerHTML).not.toMatch(/NaN/);
    expect(container.innerHTML).not.toMatch(/Infinity/);
    // The legend explains the two special markers.
    expect(screen.getByText(/exactly 0 \(underflow\)/)).toBeTruthy();
    expect(screen.getByText(/overflow, drawn above the top/)).toBeTruthy();
  });

  it('draws norms from 1e-300 to 1e3 on one log axis without NaN coordinates', () => {
    const { container } = render(
      <GradientChart tokens={['a', 'b', 'c']} cells={[{ cell: 'rnn', dhNorm: [1e-300, 1e-150, 1e3] }]} step={0} />,
    );
    const labels = Array.from(container.querySelectorAll('svg text')).map((t) => t.textContent);
    expect(labels).toContain('10⁻³⁰⁰');
    expect(labels).toContain('10³');
    const path = container.querySelector('g.series path')!.getAttribute('d')!;
    expect(path).toMatch(/^M[\d.]+,[\d.]+L/);
    expect(container.innerHTML).not.toMatch(/NaN/);
  });

  it('draws every ordinary marker of a series in one path, one shape per finite step', () => {
    const { container } = render(<GradientChart tokens={['a', 'b', 'c', 'd']} cells={[{ cell: 'rnn', dhNorm: [1e-3, 0, 1e-2, 1] }]} step={0} />);
    const marks = container.querySelectorAll('g.series path.marks');
    expect(marks).toHaveLength(1);
    // Three finite norms, three shapes; the exact zero keeps its own marker at the bottom.
    expect(marks[0].getAttribute('d')!.match(/M/g)).toHaveLength(3);
  });

  it('puts one column per cell (and the LSTM cell state) in compare mode', () => {
    render(
      <GradientChart
        tokens={['not', 'bad']}
        cells={[
          { cell: 'rnn', dhNorm: [1e-8, 1] },
          { cell: 'lstm', dhNorm: [1e-2, 1], dcNorm: [3e-2, 2] },
          { cell: 'gru', dhNorm: [1e-3, 1] },
        ]}
        step={0}
      />,
    );
    const { header, rows } = tableRows('Gradient norms');
    expect(header).toEqual(['Token', 'RNN ||dL/dh||', 'LSTM ||dL/dh||', 'LSTM ||dL/dc||', 'GRU ||dL/dh||']);
    expect(rows[0]).toEqual(['not', '1.0e-8', '1.0e-2', '3.0e-2', '1.0e-3']);
    const legend = screen.getByRole('list', { name: 'Gradient norms legend' });
    expect(within(legend).getAllByRole('listitem').map((li) => li.textContent?.trim())).toEqual([
      'RNN ||dL/dh||',
      'LSTM ||dL/dh||',
      'LSTM ||dL/dc||',
      'GRU ||dL/dh||',
    ]);
  });

  it('marks the current step in the table', () => {
    render(<GradientChart tokens={['a', 'b', 'c']} cells={[{ cell: 'gru', dhNorm: [1, 1, 1] }]} step={2} />);
    const current = screen.getAllByRole('row').filter((r) => r.getAttribute('aria-current') === 'step');
    expect(current.map((r) => r.textContent)).toEqual(['c1.0e0']);
  });
});

describe('JacobianChart', () => {
  it('lists the one-step norms per token and explains the line at 1', () => {
    render(
      <JacobianChart tokens={['the', 'end']} cells={[{ cell: 'lstm', h: [0.42, 0.9], c: [0.97, 0.999] }]} step={0} />,
    );
    const { header, rows } = tableRows('One-step Jacobian norms');
    expect(header).toEqual(['Token', '||dh_t/dh_(t-1)||', '||dc_t/dc_(t-1)||']);
    expect(rows).toEqual([
      ['the', '4.2e-1', '9.7e-1'],
      ['end', '9.0e-1', '1.0e0'],
    ]);
    expect(screen.getByText(/below 1 shrinks the gradient at every step/)).toBeTruthy();
  });
});

describe('markersPath', () => {
  it('writes each shape centred on its point, as Marker draws it', () => {
    // By hand: a square of half-size 3 at (10, 20) spans 7..13 by 17..23.
    expect(markersPath('square', 3, [[10, 20]])).toBe('M7,17h6v6h-6Z');
    expect(markersPath('circle', 3, [[10, 20]])).toBe('M7,20a3,3 0 1,0 6,0a3,3 0 1,0 -6,0');
    expect(markersPath('cross', 3, [[0, 0]])).toBe('M-3,-3l6,6M-3,3l6,-6');
    expect(markersPath('diamond', 3, [[0, 0]])).toBe('M0,-3.9l3.9,3.9l-3.9,3.9l-3.9,-3.9Z');
    expect(markersPath('square', 3, [[10, 20], [30, 40]])).toBe('M7,17h6v6h-6ZM27,37h6v6h-6Z');
  });
});
