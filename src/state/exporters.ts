/**
 * Downloads: the trace as JSON (the trace command's format, src/engine/traceJson.ts) and as CSV
 * (one row per step and unit), and every chart on screen as a standalone SVG or PNG.
 *
 * Charts are found in the rendered page (each chart's own markup is its single source of truth)
 * and copied with their computed styles inlined, so the file looks like the screen without the
 * page's CSS. A heatmap is its canvas (embedded as an image at data resolution) under its axes.
 */

import type { StoreApi } from 'zustand';
import { backward } from '../engine';
import type { ModelLayout } from '../engine';
import { stringifyTrace, traceToJson } from '../engine';
import { GATE_NAMES } from '../engine';
import { USER_TASK } from './models';
import type { VisState } from './store';
import { userModelLayout } from './userModel';

type TraceSource = Pick<VisState, 'params' | 'modelInfo' | 'tokens' | 'trace' | 'grads'>;

/** The layout the trace download writes gradients in: the loaded file's, else PyTorch (the shipped models'). */
export function exportLayout(store: StoreApi<VisState>): ModelLayout {
  return store.getState().modelInfo.id === USER_TASK ? userModelLayout(store) : 'pytorch';
}

/**
 * The view's trace as the trace command prints it (with the knobs and padding on screen applied:
 * at the default knobs and no padding it equals `npm run trace` for the same model and sentence).
 */
export function traceJsonText(s: TraceSource, layout: ModelLayout): string {
  // The view keeps no parameter gradients (an edit skips them); a download is rare, so it reruns
  // the full backward pass on the same trace and target.
  const grads = backward(s.params, s.trace, s.grads.target);
  return stringifyTrace(traceToJson(s.params, s.modelInfo.labels, layout, s.tokens, s.trace, grads)).json;
}

function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One header line, then T*H rows (step-major): step (0-based, as in the link), token, unit, h,
 * c (lstm), each gate by name, dL/dh and dL/dc (lstm) for that unit. Numbers in shortest round-trip form.
 */
export function traceCsv(s: Pick<VisState, 'tokens' | 'trace' | 'grads'>): string {
  const { trace, grads, tokens } = s;
  const { T, H } = trace;
  const names = GATE_NAMES[trace.cell];
  const G = names.length;
  const header = ['step', 'token', 'unit', 'h', ...(trace.c ? ['c'] : []), ...names, 'dL/dh', ...(grads.dc ? ['dL/dc'] : [])];
  const lines = [header.join(',')];
  for (let t = 0; t < T; t++) {
    const token = csvField(tokens[t] ?? '');
    for (let u = 0; u < H; u++) {
      const row: (string | number)[] = [t, token, u, trace.h[t * H + u]];
      if (trace.c) row.push(trace.c[t * H + u]);
      for (let b = 0; b < G; b++) row.push(trace.gates[(t * G + b) * H + u]);
      row.push(grads.dh[t * H + u]);
      if (grads.dc) row.push(grads.dc[t * H + u]);
      lines.push(row.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A chart found on the page. */
export interface ChartRef {
  /** what it shows, e.g. "Hidden state h" or "Gradient norms"; unique on the page */
  name: string;
  kind: 'svg' | 'heatmap';
  /** the chart's svg (kind svg) or the heatmap's region (canvas + axes + colour bar) */
  element: Element;
  /** a list of swatch + label items drawn above the chart, when the chart has one */
  legend: Element | null;
}

const CHART_SELECTOR = '.cell-diagram svg[role], svg.line-chart, .norm-chart, .heatmap-region';

/** Every exportable chart under `root` (a document or a shadow root), in page order. */
export function findCharts(root: ParentNode): ChartRef[] {
  const out: ChartRef[] = [];
  const seen = new Map<string, number>();
  const push = (chart: ChartRef | null) => {
    if (!chart) return;
    const n = (seen.get(chart.name) ?? 0) + 1;
    seen.set(chart.name, n);
    out.push(n === 1 ? chart : { ...chart, name: `${chart.name} (${n})` });
  };
  for (const el of Array.from(root.querySelectorAll(CHART_SELECTOR))) {
    if (el.classList.contains('heatmap-region')) {
      const name = el.querySelector('h3')?.textContent?.trim() || 'Heatmap';
      push(el.querySelector('canvas') ? { name, kind: 'heatmap', element: el, legend: null } : null);
    } else if (el.classList.contains('norm-chart')) {
      const svg = el.querySelector('.norm-plot svg');
      const legend = el.querySelector('.norm-legend');
      const name = legend?.getAttribute('aria-label')?.replace(/ legend$/, '') || 'Norms';
      push(svg ? { name, kind: 'svg', element: svg, legend } : null);
    } else if (el.classList.contains('line-chart')) {
      push({ name: 'Prediction track', kind: 'svg', element: el, legend: el.closest('.chart-box')?.querySelector('.series-legend') ?? null });
    } else {
      push({ name: 'Cell diagram', kind: 'svg', element: el, legend: null });
    }
  }
  return out;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The presentation properties that carry how a chart looks; CSS classes do not survive the export. */
const STYLE_PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin',
  'opacity', 'visibility', 'display', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor',
  'dominant-baseline', 'paint-order', 'marker-start', 'marker-mid', 'marker-end', 'stop-color', 'stop-opacity',
];

/**
 * A deep copy of an svg subtree with every element's computed look written as presentation
 * attributes. Built element by element rather than with cloneNode: a copied style attribute is
 * inline style, which the app's Content-Security-Policy (style-src 'self') refuses.
 */
function cloneStyled(src: Element): Element {
  if (src.localName === 'foreignObject') return foreignToImage(src);
  const copy = document.createElementNS(src.namespaceURI ?? SVG_NS, src.localName);
  for (const a of Array.from(src.attributes)) {
    if (a.name === 'style' || a.name === 'class' || a.name === 'tabindex') continue;
    copy.setAttributeNS(a.namespaceURI, a.name, a.value);
  }
  const cs = getComputedStyle(src);
  for (const p of STYLE_PROPS) {
    const v = cs.getPropertyValue(p);
    // 'none' is kept for fill, stroke and display (an outline path must stay unfilled).
    const keep = v !== '' && v !== 'normal' && v !== 'auto' && (v !== 'none' || p === 'fill' || p === 'stroke' || p === 'display');
    if (keep) copy.setAttribute(p, v);
  }
  for (const child of Array.from(src.childNodes)) {
    if (child.nodeType === Node.ELEMENT_NODE) copy.append(cloneStyled(child as Element));
    else if (child.nodeType === Node.TEXT_NODE) copy.append(child.textContent ?? '');
  }
  return copy;
}

/**
 * A foreignObject holding a canvas (the diagram's unit strips) becomes an image of that canvas;
 * any other HTML inside an SVG is left out, as it would also taint the PNG's canvas.
 */
function foreignToImage(src: Element): Element {
  const canvas = src.querySelector('canvas');
  if (!canvas) return document.createElementNS(SVG_NS, 'g');
  const image = svgEl('image', { preserveAspectRatio: 'none', 'image-rendering': 'pixelated', href: canvas.toDataURL('image/png') });
  for (const name of ['x', 'y', 'width', 'height']) {
    const v = src.getAttribute(name);
    if (v !== null) image.setAttribute(name, v);
  }
  return image;
}

function box(el: Element): { width: number; height: number; left: number; top: number } {
  const r = el.getBoundingClientRect();
  return { width: Math.max(1, Math.round(r.width)), height: Math.max(1, Math.round(r.height)), left: r.left, top: r.top };
}

function svgEl(name: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The background a chart sits on (its panel's), so the file is readable in light and dark mode. */
function backgroundOf(el: Element): string {
  for (let cur: Element | null = el; cur; cur = cur.parentElement) {
    const bg = getComputedStyle(cur).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

/** Places a styled copy of an svg at (x, y) with its on-screen size, scaling its viewBox if it has one. */
function placeSvg(src: Element, x: number, y: number): { el: Element; height: number; width: number } {
  const { width, height } = box(src);
  const copy = cloneStyled(src);
  copy.setAttribute('x', String(x));
  copy.setAttribute('y', String(y));
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.removeAttribute('role');
  copy.removeAttribute('aria-label');
  copy.removeAttribute('aria-hidden');
  return { el: copy, width, height };
}

/** Draws a legend list (swatch svg + text per item) as one wrapped row of svg; returns its height. */
function placeLegend(legend: Element, parent: Element, y: number, width: number, color: string): number {
  let x = 8;
  let row = 0;
  const lineH = 18;
  for (const li of Array.from(legend.children)) {
    const swatch = li.querySelector('svg');
    const label = li.textContent?.trim() ?? '';
    const swW = swatch ? box(swatch).width : 0;
    const itemW = swW + 6 + label.length * 6.5 + 16;
    if (x + itemW > width && x > 8) {
      x = 8;
      row++;
    }
    const top = y + row * lineH;
    if (swatch) {
      const placed = placeSvg(swatch, x, top + 3);
      parent.append(placed.el);
    }
    const text = svgEl('text', { x: x + swW + 6, y: top + 12, 'font-size': 12, fill: color });
    text.textContent = label;
    parent.append(text);
    x += itemW;
  }
  return (row + 1) * lineH + 4;
}

/**
 * The chart as a standalone SVG document: a title, its legend, the chart with inline styles;
 * a heatmap's canvas becomes an embedded PNG image under its axes, with its colour bar below.
 */
export function chartSvg(chart: ChartRef): { svg: string; width: number; height: number } {
  const pad = 8;
  const color = getComputedStyle(chart.element).color || '#000000';
  const font = getComputedStyle(chart.element).fontFamily || 'sans-serif';
  const width = box(chart.element).width + 2 * pad;
  // XMLSerializer writes the svg namespace declaration itself.
  const root = svgEl('svg', { 'font-family': font });
  const background = svgEl('rect', { x: 0, y: 0, width, fill: backgroundOf(chart.element) });
  root.append(background);
  const title = svgEl('text', { x: pad, y: pad + 14, 'font-size': 15, 'font-weight': 600, fill: color });
  title.textContent = chart.name;
  root.append(title);
  let y = pad + 26;
  if (chart.legend) y += placeLegend(chart.legend, root, y, width, color);

  if (chart.kind === 'svg') {
    const placed = placeSvg(chart.element, pad, y);
    root.append(placed.el);
    y += placed.height;
  } else {
    const plot = chart.element.querySelector('.heatmap-plot') ?? chart.element;
    const canvas = chart.element.querySelector('canvas');
    const overlay = plot.querySelector('svg');
    const plotBox = box(plot);
    if (canvas) {
      const c = box(canvas);
      root.append(
        svgEl('image', {
          x: pad + c.left - plotBox.left,
          y: y + c.top - plotBox.top,
          width: c.width,
          height: c.height,
          preserveAspectRatio: 'none',
          'image-rendering': 'pixelated',
          href: canvas.toDataURL('image/png'),
        }),
      );
    }
    if (overlay) root.append(placeSvg(overlay, pad + box(overlay).left - plotBox.left, y + box(overlay).top - plotBox.top).el);
    y += plotBox.height;
    const bar = chart.element.querySelector('.legend svg');
    if (bar) {
      const placed = placeSvg(bar, pad, y + 4);
      root.append(placed.el);
      y += placed.height + 4;
      const caption = chart.element.querySelector('.legend-caption')?.textContent?.trim();
      if (caption) {
        const text = svgEl('text', { x: pad, y: y + 14, 'font-size': 12, fill: color });
        text.textContent = caption;
        root.append(text);
        y += 18;
      }
    }
  }
  const height = Math.ceil(y + pad);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  background.setAttribute('height', String(height));
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}`, width, height };
}

/** Rasterises an SVG document at `scale` times its size (2 = sharp on high-density screens and slides). */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw the PNG (no 2D canvas)');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A file name fragment from free text: lowercase words joined by '-', at most 40 characters. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'chart'
  );
}

/** Saves a blob as a download. `host` holds the temporary link (the element's shadow root, or the body). */
export function downloadBlob(blob: Blob, filename: string, host: ParentNode & Node = document.body): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  host.appendChild(a);
  a.click();
  a.remove();
  // The download has started by the next task; the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
