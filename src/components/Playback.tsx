/**
 * Step back / forward, play / pause with a speed, reset and a time slider. The keyboard works
 * anywhere on the page except inside text fields: Left/Right step, Space plays, Home/End jump.
 */

import { use, useEffect, useId } from 'react';
import { KeyScope } from './keyScope';
import { useVis, useVisStore } from '../state/context';
import { tokenText } from '../state/selectors';

export const SPEEDS = [
  { value: 1, label: 'slow' },
  { value: 2, label: 'normal' },
  { value: 4, label: 'fast' },
  { value: 8, label: 'very fast' },
] as const;

/** True when a key press belongs to the focused element rather than to the page's shortcuts. */
export function keyBelongsToTarget(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
  // Space and Enter activate a focused button or summary themselves.
  if ((key === ' ' || key === 'Enter') && target.closest('button, a[href], summary')) return true;
  return false;
}

export function usePlaybackKeys(): void {
  const store = useVisStore();
  const scope = use(KeyScope);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      if (scope && !e.composedPath().includes(scope)) return;
      // composedPath()[0]: inside a shadow root (the <gate-scope> element) e.target is the host.
      if (keyBelongsToTarget(e.composedPath()[0] ?? e.target, e.key)) return;
      const s = store.getState();
      switch (e.key) {
        case 'ArrowLeft':
          s.stepBy(-1);
          break;
        case 'ArrowRight':
          s.stepBy(1);
          break;
        case 'Home':
          s.setStep(0);
          break;
        case 'End':
          s.setStep(s.trace.T - 1);
          break;
        case ' ':
          s.togglePlay();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, scope]);
}

export function Playback() {
  const step = useVis((s) => s.step);
  const T = useVis((s) => s.trace.T);
  const token = useVis((s) => s.tokens[s.step]);
  const isPad = useVis((s) => s.padded[s.step]);
  const playing = useVis((s) => s.playing);
  const speed = useVis((s) => s.playSpeed);
  const store = useVisStore();
  const sliderId = useId();
  const speedId = useId();
  usePlaybackKeys();
  const s = () => store.getState();
  return (
    <div className="playback" role="group" aria-label="Playback">
      <div className="buttons">
        <button type="button" onClick={() => s().stepBy(-1)} aria-disabled={step <= 0 ? true : undefined} aria-keyshortcuts="ArrowLeft">
          <span aria-hidden="true">◀ </span>Step back
        </button>
        <button type="button" className="primary" onClick={() => s().togglePlay()} aria-keyshortcuts="Space">
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={() => s().stepBy(1)} aria-disabled={step >= T - 1 ? true : undefined} aria-keyshortcuts="ArrowRight">
          Step forward<span aria-hidden="true"> ▶</span>
        </button>
        <button type="button" onClick={() => s().reset()}>
          Reset
        </button>
        <label className="inline-field" htmlFor={speedId}>
          Speed
        </label>
        <select id={speedId} value={speed} onChange={(e) => s().setPlaySpeed(Number(e.currentTarget.value))}>
          {SPEEDS.map((sp) => (
            <option key={sp.value} value={sp.value}>
              {sp.label}
            </option>
          ))}
        </select>
      </div>
      <div className="slider">
        <label htmlFor={sliderId}>Time step</label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={Math.max(0, T - 1)}
          step={1}
          value={step}
          aria-valuetext={`Step ${step + 1} of ${T}: ${tokenText(token ?? '', isPad)}`}
          onChange={(e) => s().setStep(e.currentTarget.valueAsNumber)}
        />
        {/* Not an <output>: that is a second live region, and the slider's value text already says this. */}
        <span className="slider-count" aria-hidden="true">
          {step + 1} / {T}
        </span>
      </div>
    </div>
  );
}
