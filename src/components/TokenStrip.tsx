/**
 * The sentence as token chips: the current one highlighted, unknown words underlined with a dotted
 * line, padding dimmed. Click a chip to go to that step. Chips can be coloured by the selected
 * unit's hidden state or by saliency ||dL/dx_t||.
 */

import { useEffect, useId, useRef } from 'react';
import { colorFor, saliencyColor, textOn } from '../charts/theme';
import { useVis, useVisStore } from '../state/context';
import { COLOR_BY, type ColorBy } from '../state/store';

const COLOR_BY_LABEL: Record<ColorBy, string> = {
  none: 'nothing',
  unit: "selected unit's h",
  saliency: 'saliency ||dL/dx||',
};

/** Saliency on a log scale over four decades below the largest, so vanishing values still show. */
export function saliencyLevels(dxNorm: ArrayLike<number>): number[] {
  let max = 0;
  for (let t = 0; t < dxNorm.length; t++) max = Math.max(max, dxNorm[t]);
  return Array.from(dxNorm, (v) => (max > 0 && v > 0 ? Math.max(0, 1 + Math.log10(v / max) / 4) : 0));
}

export function TokenStrip() {
  const tokens = useVis((s) => s.tokens);
  const unknown = useVis((s) => s.unknown);
  const padded = useVis((s) => s.padded);
  const step = useVis((s) => s.step);
  const unit = useVis((s) => s.unit);
  const colorBy = useVis((s) => s.colorBy);
  const trace = useVis((s) => s.trace);
  const dxNorm = useVis((s) => s.grads.dxNorm);
  const store = useVisStore();
  const listRef = useRef<HTMLOListElement>(null);
  const selectId = useId();

  // Keep keyboard focus on the current chip when the step moves while a chip has focus.
  useEffect(() => {
    const list = listRef.current;
    if (!list || !list.contains(document.activeElement)) return;
    list.querySelector<HTMLButtonElement>('button[aria-current="step"]')?.focus();
  }, [step]);

  const levels = colorBy === 'saliency' ? saliencyLevels(dxNorm) : null;
  const H = trace.H;

  return (
    <div className="token-strip-box">
      <ol className="token-strip" aria-label="Tokens" ref={listRef}>
        {tokens.map((tok, t) => {
          let bg: string | undefined;
          let value = '';
          if (colorBy === 'unit') {
            const v = trace.h[t * H + unit];
            bg = colorFor('diverging', v, [-1, 1]);
            value = `unit ${unit}: h = ${v.toFixed(3)}`;
          } else if (levels) {
            bg = saliencyColor(levels[t]);
            value = `saliency ${dxNorm[t].toExponential(2)}`;
          }
          const notes = [unknown[t] ? 'not in vocabulary' : '', padded[t] ? 'padding' : '', value].filter(Boolean).join('; ');
          const classes = ['chip', t === step ? 'current' : '', unknown[t] ? 'unknown' : '', padded[t] ? 'padded' : ''].filter(Boolean).join(' ');
          return (
            <li key={t}>
              <button
                type="button"
                className={classes}
                aria-current={t === step ? 'step' : undefined}
                tabIndex={t === step ? 0 : -1}
                title={notes || undefined}
                style={bg ? { background: bg, color: textOn(bg) } : undefined}
                onClick={() => store.getState().setStep(t)}
              >
                {tok === ' ' ? '␣' : tok === '\n' ? '⏎' : tok}
              </button>
            </li>
          );
        })}
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
