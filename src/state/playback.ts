/**
 * The playback slice: the transient view state that never reruns the engine. Hover, forward
 * playback over the tokens, and the gradient's backward playback, each timer started and stopped
 * only here (and stopped by `recompute` when the sentence it played changes).
 */

import type { StateCreator } from 'zustand/vanilla';
import type { VisState } from './store';
import type { StoreTimers } from './timers';

export interface PlaybackSlice {
  hover: { step: number; unit: number } | null;
  playing: boolean;
  /** steps per second while playing */
  playSpeed: number;
  /** the step the animated gradient has reached, null when not animating */
  backwardPlay: number | null;
  setHover(hover: { step: number; unit: number } | null): void;
  togglePlay(): void;
  setPlaySpeed(stepsPerSecond: number): void;
  /** back to the first step, playback stopped */
  reset(): void;
  /** Animates the gradient from the last token back to the first. */
  startBackwardPlay(): void;
  stopBackwardPlay(): void;
  /** Shows where the backward play ends (the first token) at once: the reduced-motion form of it. */
  showBackwardEnd(): void;
}

/** The playback slice, running its timers on `timers.play` and `timers.backward`. */
export function createPlaybackSlice(timers: StoreTimers): StateCreator<VisState, [], [], PlaybackSlice> {
  return (set, get) => {
    function advance(): void {
      const s = get();
      if (s.step >= s.trace.T - 1) {
        timers.play.stop();
        set({ playing: false });
      } else {
        set({ step: s.step + 1 });
      }
    }

    function stepBack(): void {
      const b = get().backwardPlay;
      if (b === null || b <= 0) {
        timers.backward.stop();
        set({ backwardPlay: null });
      } else {
        set({ backwardPlay: b - 1 });
      }
    }

    return {
      hover: null,
      playing: false,
      playSpeed: 2,
      backwardPlay: null,
      setHover(hover) {
        const cur = get().hover;
        if (hover === cur) return;
        if (hover && cur && hover.step === cur.step && hover.unit === cur.unit) return;
        set({ hover });
      },
      togglePlay() {
        const s = get();
        if (s.playing) {
          timers.play.stop();
          set({ playing: false });
          return;
        }
        // Pressing Play at the end starts over, which is what a student expects.
        set({ playing: true, step: s.step >= s.trace.T - 1 ? 0 : s.step, wanted: null });
        timers.play.every(1000 / s.playSpeed, advance);
      },
      setPlaySpeed(stepsPerSecond) {
        if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return;
        set({ playSpeed: stepsPerSecond });
        if (get().playing) timers.play.every(1000 / stepsPerSecond, advance);
      },
      reset() {
        timers.play.stop();
        timers.backward.stop();
        set({ step: 0, playing: false, backwardPlay: null, hover: null, wanted: null });
      },
      startBackwardPlay() {
        timers.backward.stop();
        set({ backwardPlay: get().trace.T - 1 });
        timers.backward.every(Math.max(60, 1000 / (get().playSpeed * 2)), stepBack);
      },
      stopBackwardPlay() {
        timers.backward.stop();
        set({ backwardPlay: null });
      },
      showBackwardEnd() {
        timers.backward.stop();
        set({ backwardPlay: 0 });
      },
    };
  };
}
