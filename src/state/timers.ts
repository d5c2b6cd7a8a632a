/** The store's timers: one handle each, so starting one again replaces what was pending. */

/** A timeout or an interval that can be restarted and stopped; `stop` is safe when nothing is pending. */
export class Timer {
  #pending: { kind: 'timeout' | 'interval'; id: ReturnType<typeof setTimeout> } | null = null;

  get pending(): boolean {
    return this.#pending !== null;
  }

  /** Runs `fn` once after `ms`, replacing whatever was pending. */
  after(ms: number, fn: () => void): void {
    this.stop();
    this.#pending = {
      kind: 'timeout',
      id: setTimeout(() => {
        this.#pending = null;
        fn();
      }, ms),
    };
  }

  /** Runs `fn` every `ms` until stopped, replacing whatever was pending. */
  every(ms: number, fn: () => void): void {
    this.stop();
    this.#pending = { kind: 'interval', id: setInterval(fn, ms) };
  }

  stop(): void {
    const p = this.#pending;
    this.#pending = null;
    if (!p) return;
    // Cleared by its own kind: fake timers in tests refuse clearTimeout on an interval.
    if (p.kind === 'interval') clearInterval(p.id);
    else clearTimeout(p.id);
  }
}

/** The three timers one store runs: forward playback, the gradient's backward playback, Jacobian refinement. */
export interface StoreTimers {
  play: Timer;
  backward: Timer;
  refine: Timer;
}

/** A fresh set of timers for one store, none pending. */
export function createTimers(): StoreTimers {
  return { play: new Timer(), backward: new Timer(), refine: new Timer() };
}
