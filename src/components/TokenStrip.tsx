/**
 * The sentence as token chips: the current one highlighted, unknown words underlined with a dotted
 * line, padding dimmed. Click a chip to go to that step. Chips can be coloured by the selected
 * unit's hidden state or by saliency ||dL/dx_t||.
 */

import { memo, useEffect, useId, useMemo, useRef, type CSSProperties } from 'react';
import type { StoreApi } from 'zustand';
import { formatValue } from '../charts/CellDiagram';
import { colorFor, saliencyColor, textOn } from '../charts/theme';
import { tokenLabel } from '../charts/tokenLabel';
import { useVis, useVisStore } from '../state/context';
import { COLOR_BY, type ColorBy, type VisState } from '../state/store';

const COLOR_BY_LABEL: Record<ColorBy, string> = {
  none: 'nothing',
  unit: "selected unit's h",
  saliency: 'saliency ||dL/dx||',
};

/**
 * Saliency on a log scale over four decades below the largest, so vanishing values still show.
 * An overflowed (non-finite) norm is the darkest level; the largest finite one sets the scale.
 */
export function saliencyLevels(dxNorm: ArrayLike<number>): number[] {
  let max = 0;
  for (let t = 0; t < dxNorm.length; t++) if (Number.isFinite(dxNorm[t])) max = Math.max(max, dxNorm[t]);
  return Array.from(dxNorm, (v) => (!Number.isFinite(v) ? 1 : max > 0 && v > 0 ? Math.max(0, 1 + Math.log10(v / max) / 4) : 0));
}

export function TokenStrip() {
  const tokens = useVis((s) => s.tokens);
  const unknown = useVis((s) => s.unknown);
  const padded = useVis((s) => s.padded);
  const step = useVis((s) => s.step);
  const unit = useVis((s) => s.unit);
  const colorBy = useVis((s) => s.colorBy);
  const trace = useVis((s) => s.trace);
  // dL/dx_t is formed when first read (backward's inputGrads: 'on-read'): only saliency reads it.
  const grads = useVis((s) => s.grads);
  const store = useVisStore();
  const listRef = useRef<HTMLOListElement>(null);
  const selectId = useId();

  // Keep keyboard focus on the current chip when the step moves while a chip has focus.
  useEffect(() => {
    const list = listRef.current;
    if (!list || !list.contains(document.activeElement)) return;
    list.querySelector<HTMLButtonElement>('button[aria-current="step"]')?.focus();
  }, [step]);

  // The page's bar shows the tokens in one scrolling row: keep the current chip inside it (the
  // strip's own scroll only, never the page's).
  useEffect(() => {
    const list = listRef.current;
    if (!list || list.scrollWidth <= list.clientWidth) return;
    const chip = list.querySelector<HTMLElement>('button[aria-current="step"]');
    if (!chip) return;
    const box = list.getBoundingClientRect();
    const at = chip.getBoundingClientRect();
    if (at.left < box.left) list.scrollLeft -= box.left - at.left + 8;
    else if (at.right > box.right) list.scrollLeft += at.right - box.right + 8;
  }, [step, tokens]);

  // Colours and notes depend on the run, the unit and the colouring, not on the step: a step change
  // re-renders only the two chips whose highlight moves.
  const chips = useMemo(() => {
    const dxNorm = colorBy === 'saliency' ? grads.dxNorm : null;
    const levels = dxNorm ? saliencyLevels(dxNorm) : null;
    const H = trace.H;
    return tokens.map((tok, t): ChipData => {
      let bg: string | undefined;
      let value = '';
      if (colorBy === 'unit') {
        const v = trace.h[t * H + unit];
        bg = colorFor('diverging', v, [-1, 1]);
        value = `unit ${unit}: h = ${Number.isFinite(v) ? v.toFixed(3) : formatValue(v)}`;
      } else if (levels && dxNorm) {
        bg = saliencyColor(levels[t]);
        value = `saliency ${Number.isFinite(dxNorm[t]) ? dxNorm[t].toExponential(2) : 'overflow'}`;
      }
      const notes = [unknown[t] ? 'not in vocabulary' : '', padded[t] ? 'padding' : '', value].filter(Boolean).join('; ');
      const classes = ['chip', unknown[t] ? 'unknown' : '', padded[t] ? 'padded' : ''].filter(Boolean).join(' ');
      return { label: tokenLabel(tok, 30), classes, notes, style: bg ? { background: bg, color: textOn(bg) } : undefined };
    });
  }, [tokens, unknown, padded, trace, unit, colorBy, grads]);

  return (
    <div className="token-strip-box">
      <ol className="token-strip" aria-label="Tokens" ref={listRef}>
        {chips.map((chip, t) => (
          <Chip key={t} t={t} chip={chip} current={t === step} store={store} />
        ))}
      </ol>
      <div className="inline-field">
        <label htmlFor={selectId}>Colour tokens by</label>
        <select id={selectId} value={colorBy} onChange={(e) => store.getState().setColorBy(e.currentTarget.value as ColorBy)}>
          {COLOR_BY.map((c) => (
            <option key={c} value={c}>
              {COLOR_BY_LABEL[c]}
            </option>
          ))}
        </select>
        {colorBy === 'unit' ? <span className="hint">red = negative, blue = positive (unit {unit})</span> : null}
        {colorBy === 'saliency' ? <span className="hint">darker = more gradient reaches that word (log scale)</span> : null}
      </div>
    </div>
  );
}

interface ChipData {
  label: string;
  /** classes other than "current" */
  classes: string;
  notes: string;
  style: CSSProperties | undefined;
}

const Chip = memo(function Chip({ t, chip, current, store }: { t: number; chip: ChipData; current: boolean; store: StoreApi<VisState> }) {
  return (
    <li>
      <button
        type="button"
        className={current ? `${chip.classes} current` : chip.classes}
        aria-current={current ? 'step' : undefined}
        dir="auto"
        tabIndex={current ? 0 : -1}
        title={chip.notes || undefined}
        style={chip.style}
        onClick={() => store.getState().setStep(t)}
      >
        {chip.label}
      </button>
    </li>
  );
});
