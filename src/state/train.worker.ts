/**
 * The training Web Worker: wires the training session (src/state/trainSession.ts) to the worker's
 * global scope. Slices are chained through a MessageChannel rather than setTimeout(0), which
 * browsers clamp to 4 ms after a few nested calls; either way a pause from the page is handled
 * between two slices.
 */

import { createTrainSession } from './trainSession';

const scope = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
};

const queue: (() => void)[] = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  const next = queue.shift();
  if (next) next();
};

const session = createTrainSession({
  // No transfer list: structured clone copies the arrays, the worker keeps its own.
  post: (message) => scope.postMessage(message),
  schedule(fn) {
    queue.push(fn);
    channel.port2.postMessage(null);
  },
  now: () => performance.now(),
});

scope.onmessage = (event) => session.handle(event.data);
