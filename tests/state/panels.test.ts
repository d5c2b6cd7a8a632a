import { describe, expect, it } from 'vitest';
import { ALL_PANELS, DEFAULT_PANELS, EMBED_PANELS, PANEL_LABEL, PANEL_LAYOUT, PANEL_TITLE, normalizePanels } from '../../src/state/panels';

describe('the panel registry', () => {
  it('places every panel exactly once in the page layout', () => {
    const placed = PANEL_LAYOUT.flat();
    expect([...placed].sort()).toEqual([...ALL_PANELS].sort());
    expect(new Set(placed).size).toBe(placed.length);
  });

  it('lists the panels in the order the URL writes them, with a title each', () => {
    expect(ALL_PANELS).toEqual(['diagram', 'heatmaps', 'prediction', 'gradient', 'equations', 'knobs', 'train']);
    expect(PANEL_TITLE.train).toBe('Train a model');
    expect(PANEL_TITLE.gradient).toBe('Gradient flow');
  });

  it('opens every panel but training by default', () => {
    expect(DEFAULT_PANELS).toEqual(['diagram', 'heatmaps', 'prediction', 'gradient', 'equations', 'knobs']);
  });

  it("lets an embed show every panel but training, in the page's reading order", () => {
    expect(EMBED_PANELS).toEqual(['diagram', 'prediction', 'heatmaps', 'gradient', 'knobs', 'equations']);
    expect(Object.keys(PANEL_LABEL)).toEqual(['diagram', 'heatmaps', 'prediction', 'gradient', 'equations', 'knobs']);
  });

  it('normalizes a panel list to registry order, each panel once', () => {
    expect(normalizePanels(['knobs', 'diagram', 'knobs'])).toEqual(['diagram', 'knobs']);
    expect(normalizePanels([])).toEqual([]);
  });
});
