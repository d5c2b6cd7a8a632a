/**
 * The time axis every chart over tokens shares (norm charts, prediction track, heatmaps): which x
 * each step sits at, which token labels are drawn and how, and which step a pointer is over. Pure
 * geometry, no DOM (visx's useAxis is the model): a chart builds it once per sentence and width,
 * draws its marks with it and hands it to <TokenAxis>, which only renders it.
 */
import { scaleBand } from 'd3';
import { tokenLabel } from './tokenLabel';

/** How every chart draws its token labels: one look for every axis over time. */
export const TOKEN_AXIS_STYLE = {
  /** degrees the labels are turned anticlockwise from horizontal */
  angle: 50,
  /** longest label in code points, ellipsis included */
  maxChars: 8,
  /** label font size in px */
  fontSize: 11,
  /** px between the plot's bottom edge and the labels' anchors */
  offset: 8,
} as const;

/** One token label that is drawn. */
export interface AxisLabel {
  /** the step it names */
  t: number;
  /** its text: tokenLabel shortened to maxChars */
  text: string;
  /** estimated length of the text in px (see labelWidth) */
  width: number;
}

/** A token time axis: steps as equal bands across the plot, and the labels that fit under them. */
export interface TokenAxisGeometry {
  /** number of steps */
  T: number;
  /** the plot's left edge in its SVG, px: where the axis is drawn */
  left: number;
  /** the plot's width, px */
  width: number;
  /** width of one step's band, px */
  band: number;
  /** the centre of step t's band, px from the plot's left edge */
  x: (t: number) => number;
  /** the left edge of step t's band, px from the plot's left edge */
  start: (t: number) => number;
  /** the step under px `x` from the plot's left edge, clamped to the steps; null without steps */
  stepAt: (x: number) => number | null;
  /** every how many steps a label is drawn (1 = all) */
  every: number;
  /** the labels drawn, left to right */
  labels: readonly AxisLabel[];
  /** every step's label text, drawn or not (a chart may show the current one over the thinned ones) */
  texts: readonly string[];
  angle: number;
  fontSize: number;
  offset: number;
}

/** Characters that set wider than the usual 0.6 em of a proportional font. */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2026\u2300-\u27bf]|\p{Extended_Pictographic}/u;
const BROAD = /[mwMW@%]/;
const CAPITAL = /[A-Z0-9&#]/;

/**
 * An upper-leaning estimate of the length in px of `text` at `fontSize` (no DOM to measure in):
 * 1 em for wide (CJK, emoji, the ellipsis) characters, 0.9 em for m and w, 0.7 em for capitals and
 * digits, 0.6 em for the rest. Overestimating only thins labels a little more.
 */
export function labelWidth(text: string, fontSize: number = TOKEN_AXIS_STYLE.fontSize): number {
  let em = 0;
  for (const ch of text) em += WIDE.test(ch) ? 1 : BROAD.test(ch) ? 0.9 : CAPITAL.test(ch) ? 0.7 : 0.6;
  return em * fontSize;
}

/**
 * Whether two labels `gap` px apart (anchor to anchor, the right one `rightWidth` px long) would
 * overlap, both turned by `angle` degrees and anchored at their end, each a box 1 em tall. In the
 * labels' own frame the right one is shifted gap·cos along the text and gap·sin across it, so they
 * are clear when the shift across is a full line or the shift along passes the right label's start.
 */
export function labelsOverlap(gap: number, rightWidth: number, angle: number, fontSize: number): boolean {
  const rad = (angle * Math.PI) / 180;
  return gap * Math.sin(rad) < fontSize && gap * Math.cos(rad) < rightWidth;
}

/**
 * The axis for `tokens` over a plot `width` px wide whose left edge is at `left`. Steps are equal
 * bands (a step's marks sit at its centre, a heatmap column fills it). Labels are tokenLabel
 * shortened to TOKEN_AXIS_STYLE.maxChars and thinned to every k-th step, k the smallest stride at
 * which no two drawn labels overlap (labelsOverlap with labelWidth).
 */
export function tokenAxis(tokens: readonly string[], width: number, left = 0): TokenAxisGeometry {
  const { angle, fontSize, offset, maxChars } = TOKEN_AXIS_STYLE;
  const T = tokens.length;
  const scale = scaleBand<number>()
    .domain(Array.from({ length: T }, (_, t) => t))
    .range([0, width]);
  const band = scale.bandwidth();
  const texts = tokens.map((tok) => tokenLabel(tok, maxChars));
  const widths = texts.map((s) => labelWidth(s, fontSize));
  // Past this stride labels are a full line apart across the text, whatever their lengths.
  const most = Math.max(1, Math.ceil(fontSize / (Math.max(band, 1e-9) * Math.sin((angle * Math.PI) / 180))));
  let every = 1;
  while (every < most && !fits(widths, every, band, angle, fontSize)) every++;
  const labels: AxisLabel[] = [];
  for (let t = 0; t < T; t += every) labels.push({ t, text: texts[t], width: widths[t] });
  return {
    T,
    left,
    width,
    band,
    x: (t) => (scale(t) ?? 0) + band / 2,
    start: (t) => scale(t) ?? 0,
    stepAt: (x) => {
      const t = Math.floor(x / band);
      // NaN only from a pointer with no position on a zero-width plot: no step.
      return T === 0 || Number.isNaN(t) ? null : Math.min(T - 1, Math.max(0, t));
    },
    every,
    labels,
    texts,
    angle,
    fontSize,
    offset,
  };
}

/** Whether labels at every `every`-th step clear their left neighbour (clearing it clears all before it). */
function fits(widths: readonly number[], every: number, band: number, angle: number, fontSize: number): boolean {
  for (let t = every; t < widths.length; t += every) if (labelsOverlap(every * band, widths[t], angle, fontSize)) return false;
  return true;
}
