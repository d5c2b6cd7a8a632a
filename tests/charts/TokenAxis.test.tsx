// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { GradientChart } from '../../src/charts/GradientChart';
import { Heatmap, type HeatmapProps } from '../../src/charts/Heatmap';
import { LineChart } from '../../src/charts/LineChart';
import { tokenAxis } from '../../src/charts/tokenAxisGeometry';

// Counts how often the charts build their axis, calling through to the real geometry.
vi.mock('../../src/charts/tokenAxisGeometry', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/charts/tokenAxisGeometry')>();
  return { ...real, tokenAxis: vi.fn(real.tokenAxis) };
});
const built = vi.mocked(tokenAxis);

afterEach(() => {
  cleanup();
  built.mockClear();
});

const TOKENS = ['the', 'acting', 'was', 'incomprehensible', 'at', 'all'];

const heatmap: HeatmapProps = {
  name: 'Hidden state h',
  values: Float64Array.from({ length: TOKENS.length * 3 }, (_, k) => k / 18),
  T: TOKENS.length,
  H: 3,
  offset: 0,
  stride: 3,
  kind: 'diverging',
  domain: [-1, 1],
  tokens: TOKENS,
  step: 0,
  unit: 0,
  hover: null,
  width: 400,
  onHover: () => {},
  onSelect: () => {},
};

const charts = {
  'the gradient chart': (step: number) => <GradientChart tokens={TOKENS} cells={[{ cell: 'rnn', dhNorm: [1e-4, 1e-3, 1e-2, 1e-1, 0.5, 1] }]} step={step} />,
  'the prediction track': (step: number) => (
    <LineChart label="p" tokens={TOKENS} series={[{ key: 'a', label: 'a', values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], color: 'red' }]} step={step} width={480} onSelectStep={() => {}} />
  ),
  'the heatmap': (step: number) => <Heatmap {...heatmap} step={step} />,
};

function ticks(container: HTMLElement) {
  return Array.from(container.querySelectorAll('g.token-axis text.tick'));
}

describe('every chart over time draws the one token axis', () => {
  for (const [name, chart] of Object.entries(charts)) {
    it(`${name}: labels turned by the one angle, shortened with an ellipsis`, () => {
      const { container } = render(chart(0));
      const labels = ticks(container).filter((t) => !t.getAttribute('style')?.includes('font-weight'));
      expect(labels.map((t) => t.textContent)).toEqual(['the', 'acting', 'was', 'incompr…', 'at', 'all']);
      for (const t of labels) expect(t.getAttribute('transform')).toMatch(/^translate\([\d.]+,8\) rotate\(-50\)$/);
    });

    it(`${name}: builds the axis once: a step change does not rebuild it and leaves the labels in place`, () => {
      const { container, rerender } = render(chart(0));
      const calls = built.mock.calls.length;
      expect(calls).toBeGreaterThan(0);
      const before = ticks(container);
      rerender(chart(3));
      rerender(chart(5));
      expect(built.mock.calls.length).toBe(calls);
      const after = ticks(container);
      // The same text nodes: React left the labels' SVG alone.
      const thinned = before.filter((n) => !n.getAttribute('style')?.includes('font-weight'));
      expect(thinned.length).toBeGreaterThan(0);
      expect(thinned.every((n) => n.isConnected && after.includes(n))).toBe(true);
    });
  }

  it('the gradient chart draws the current token in bold over the thinned labels', () => {
    const { container } = render(charts['the gradient chart'](3));
    const bold = ticks(container).filter((t) => t.getAttribute('style')?.includes('font-weight'));
    expect(bold.map((t) => t.textContent)).toEqual(['incompr…']);
  });

  it('the prediction track picks the step under a click through the axis', () => {
    const picked: number[] = [];
    const { container } = render(
      <LineChart label="p" tokens={TOKENS} series={[]} step={0} width={480} onSelectStep={(t) => picked.push(t)} />,
    );
    const hit = container.querySelector('rect.hit')!;
    const plotW = Number(hit.getAttribute('width'));
    // jsdom lays nothing out: the hit area is at the origin with the plot's width.
    fireEvent.click(hit, { clientX: (4.5 / 6) * plotW });
    fireEvent.click(hit, { clientX: plotW + 30 });
    fireEvent.click(hit, { clientX: -30 });
    expect(picked).toEqual([4, 5, 0]);
  });
});
