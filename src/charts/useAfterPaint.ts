/**
 * Secondary content that follows the frame: a view shows the new value of what the student is
 * looking at in the input's own frame, and text alternatives or panels out of view catch up right
 * after it has been painted.
 *
 * React's useDeferredValue alone does not promise that: its background render is an ordinary task,
 * and when the frame is not yet due (most of the 16 ms after a key press) the browser runs it first,
 * so the input's frame lays out and paints the deferred content as well (measured in BENCHMARKS.md:
 * the gradient tables added 1 to 2 ms to a knob move's frame). Here the update is queued from a
 * requestAnimationFrame callback: a task posted there runs after that frame's style, layout and paint.
 */

import { startTransition, useEffect, useState } from 'react';

// Callbacks waiting for the next frame: one requestAnimationFrame and one posted task for all of
// them, so every view's catch-up lands in the same task (and so in one React render).
let waiting: (() => void)[] | null = null;
let channel: MessageChannel | null = null;

function runWaiting(): void {
  const fns = waiting ?? [];
  waiting = null;
  for (const fn of fns) fn();
}

/**
 * Runs `fn` in a task after the next frame has been rendered (at once where there are no frames),
 * together with every other callback queued for that frame. Returns a function that cancels it.
 */
export function afterNextPaint(fn: () => void): () => void {
  let live = true;
  const run = () => {
    if (live) fn();
  };
  if (typeof requestAnimationFrame !== 'function' || typeof MessageChannel !== 'function') {
    queueMicrotask(run);
  } else {
    if (waiting === null) {
      waiting = [];
      if (channel === null) {
        channel = new MessageChannel();
        channel.port1.onmessage = runWaiting;
      }
      const port = channel.port2;
      // A task posted from the frame's own callbacks runs after its style, layout and paint.
      requestAnimationFrame(() => port.postMessage(null));
    }
    waiting.push(run);
  }
  return () => {
    live = false;
  };
}

/**
 * `value` as of the last frame: a change shows up in a transition render queued after the next
 * paint, so it never adds to the frame of the input that caused it. The first render shows `value`.
 * With `enabled` false nothing is queued (the caller shows the live value meanwhile); the copy
 * catches up after the next paint once enabled again. Pass store values or memoised objects
 * (compared with Object.is), never objects built during render.
 */
export function useAfterPaint<T>(value: T, enabled = true): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (!enabled || Object.is(shown, value)) return;
    return afterNextPaint(() => startTransition(() => setShown(() => value)));
  }, [shown, value, enabled]);
  return shown;
}
