// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { Heatmap, type HeatmapProps } from '../../src/charts/Heatmap';

afterEach(cleanup);

const props: HeatmapProps = {
  name: 'Forget gate f',
  values: Float64Array.from({ length: 3 * 4 }, (_, k) => k / 12),
  T: 3,
  H: 4,
  offset: 0,
  stride: 4,
  kind: 'sequential',
  domain: [0, 1],
  tokens: ['a', 'b', 'c'],
  step: 1,
  unit: 2,
  hover: null,
  width: 400,
  onHover: () => {},
  onSelect: () => {},
};

describe('Heatmap', () => {
  it('keeps its picture named for screen readers while its canvas is not painted out of view', () => {
    const { container, rerender } = render(<Heatmap {...props} />);
    const img = screen.getByRole('img', { name: 'Forget gate f: 4 units by 3 tokens' });
    const canvas = container.querySelector('canvas')!;
    expect(img.contains(canvas)).toBe(true);
    expect(canvas.style.visibility).toBe('');

    rerender(<Heatmap {...props} shown={false} />);
    expect(canvas.style.visibility).toBe('hidden');
    // The name is on the box around the canvas, which stays visible.
    expect(screen.getByRole('img', { name: 'Forget gate f: 4 units by 3 tokens' })).toBe(img);
    expect(img.style.visibility).toBe('');
  });
});
