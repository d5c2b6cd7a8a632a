/**
 * Colours and sizes in one module. Page colours are mirrored as CSS variables (`--gs-*`, written by
 * `themeCss()` into the document once) so CSS, SVG and canvas agree, and dark mode is one media
 * query. Data colours come from d3-scale-chromatic scales chosen to stay readable with every
 * common colour-vision deficiency: RdBu (diverging) for values in [-1, 1], viridis (sequential) for
 * gates in [0, 1], Okabe-Ito for categorical lines.
 */

import { interpolateOranges, interpolateRdBu, interpolateViridis } from 'd3';

/** Page colours; keys become CSS variables `--gs-<key>`. */
export const PALETTE = {
  light: {
    bg: '#f7f7f5',
    fg: '#1b1d21',
    muted: '#5b606b',
    'panel-bg': '#ffffff',
    border: '#d6d8dd',
    accent: '#0b62c4',
    'accent-fg': '#ffffff',
    current: '#111111',
    selected: '#c2185b',
    focus: '#0b62c4',
    warn: '#8a4b00',
    'warn-bg': '#fff4e0',
    'chip-bg': '#eef0f3',
    'series-rnn': '#D55E00',
    'series-lstm': '#0072B2',
    'series-gru': '#009E73',
    'series-lstm-c': '#CC79A7',
    'label-0': '#0072B2',
    'label-1': '#D55E00',
    'label-2': '#009E73',
    'label-3': '#CC79A7',
  },
  dark: {
    bg: '#15171b',
    fg: '#e7e9ee',
    muted: '#a3a9b5',
    'panel-bg': '#1e2127',
    border: '#3a3f49',
    accent: '#6cb0ff',
    'accent-fg': '#0b0d10',
    current: '#ffffff',
    selected: '#ff7ab0',
    focus: '#8cc4ff',
    warn: '#ffcf8a',
    'warn-bg': '#3a2a10',
    'chip-bg': '#2a2e36',
    'series-rnn': '#F08A4B',
    'series-lstm': '#56B4E9',
    'series-gru': '#33C79A',
    'series-lstm-c': '#E39AC5',
    'label-0': '#56B4E9',
    'label-1': '#F08A4B',
    'label-2': '#33C79A',
    'label-3': '#E39AC5',
  },
} as const;

export type PaletteKey = keyof typeof PALETTE.light;

/** `var(--gs-key)` for use in inline styles and SVG attributes. */
export function cssVar(key: PaletteKey): string {
  return `var(--gs-${key})`;
}

/** The CSS that defines every palette colour as a variable, light by default, dark by preference. */
export function themeCss(): string {
  const block = (p: Record<string, string>) =>
    Object.entries(p)
      .map(([k, v]) => `--gs-${k}:${v};`)
      .join('');
  return `:root{color-scheme:light dark;${block(PALETTE.light)}}@media (prefers-color-scheme: dark){:root{${block(PALETTE.dark)}}}`;
}

/** Sizes shared by charts and CSS. */
export const SIZES = {
  /** plot height of one heatmap in CSS px, whatever H is (rows shrink as H grows) */
  heatmapPlotHeight: 168,
  /** px left of a heatmap for unit numbers */
  heatmapMarginLeft: 34,
  /** px below a heatmap for token labels */
  heatmapMarginBottom: 44,
  lineChartHeight: 180,
} as const;

/** Okabe-Ito: one colour per prediction label, distinguishable without full colour vision. */
export const LABEL_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
/** The colour of prediction label k: themed (lighter in dark mode) for the first four, Okabe-Ito after. */
export function labelColor(k: number): string {
  const base = LABEL_COLORS[k % LABEL_COLORS.length];
  return k < 4 ? `var(--gs-label-${k}, ${base})` : base;
}
/** Dash patterns paired with LABEL_COLORS so lines differ without colour too. */
export const LABEL_DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4', '4 4', '3 1'];

export type ColorKind = 'diverging' | 'sequential';

/** Colour of v within domain: diverging is blue for positive, red for negative, white at 0. */
export function colorFor(kind: ColorKind, v: number, domain: readonly [number, number]): string {
  const [lo, hi] = domain;
  if (!Number.isFinite(v)) return '#888888';
  const t = hi === lo ? 0.5 : (v - lo) / (hi - lo);
  const u = t < 0 ? 0 : t > 1 ? 1 : t;
  return kind === 'diverging' ? interpolateRdBu(u) : interpolateViridis(u);
}

/** Saliency colour: light to dark orange as t goes 0 -> 1. */
export function saliencyColor(t: number): string {
  return interpolateOranges(0.08 + 0.85 * Math.max(0, Math.min(1, t)));
}

/** Black or white, whichever reads better on the given rgb/hex background. */
export function textOn(background: string): string {
  const m = background.match(/\d+(\.\d+)?/g);
  let r: number;
  let g: number;
  let b: number;
  if (background.startsWith('#') && background.length === 7) {
    r = parseInt(background.slice(1, 3), 16);
    g = parseInt(background.slice(3, 5), 16);
    b = parseInt(background.slice(5, 7), 16);
  } else if (m && m.length >= 3) {
    [r, g, b] = m.slice(0, 3).map(Number);
  } else {
    return '#000000';
  }
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return L > 0.179 ? '#000000' : '#ffffff';
}

/** Parses a d3 colour string (#rrggbb or rgb(r, g, b)) into bytes for canvas ImageData. */
export function rgbBytes(color: string): [number, number, number] {
  if (color.startsWith('#') && color.length === 7) {
    return [parseInt(color.slice(1, 3), 16), parseInt(color.slice(3, 5), 16), parseInt(color.slice(5, 7), 16)];
  }
  const m = color.match(/\d+(\.\d+)?/g);
  if (m && m.length >= 3) return [Number(m[0]), Number(m[1]), Number(m[2])];
  return [136, 136, 136];
}

const tables = new Map<ColorKind, Uint8ClampedArray>();

/** A 256-entry lookup table per scale (built once), so drawing a T x H canvas parses no colour strings. */
export function colorTable(kind: ColorKind): Uint8ClampedArray {
  const cached = tables.get(kind);
  if (cached) return cached;
  const table = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = rgbBytes(kind === 'diverging' ? interpolateRdBu(i / 255) : interpolateViridis(i / 255));
    table[i * 3] = r;
    table[i * 3 + 1] = g;
    table[i * 3 + 2] = b;
  }
  tables.set(kind, table);
  return table;
}
