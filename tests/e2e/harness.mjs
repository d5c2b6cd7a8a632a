// The tiny browser-test API: test files register with `test(name, fn)`; run.mjs imports them and
// runs each test against a fresh browser context. No framework, so the whole runner fits in one read.
import assert from 'node:assert/strict';

export { assert };

/** @type {{ name: string, fn: (ctx: TestContext) => Promise<void>, file: string, timeout: number }[]} */
const registered = [];
let currentFile = '';

/**
 * @typedef {object} TestContext
 * @property {import('playwright-core').Page} page  a fresh page in its own browser context
 * @property {string} baseURL  the served app's origin with a trailing slash, e.g. http://127.0.0.1:41234/
 * @property {(name: string) => Promise<string>} screenshot  saves test-results/screenshots/NAME.png, returns the path
 * @property {(pattern: RegExp) => void} allowConsoleError  a console.error matching this pattern will not fail the test
 */

/**
 * Registers a browser test.
 * @param {string} name  a sentence about behaviour
 * @param {(ctx: TestContext) => Promise<void>} fn
 * @param {{ timeout?: number }} [opts]  per-test timeout in ms (default 60 s)
 */
export function test(name, fn, opts = {}) {
  registered.push({ name, fn, file: currentFile, timeout: opts.timeout ?? 60_000 });
}

/**
 * Retries an async assertion until it stops throwing, then returns its value: the `expect.poll`
 * of this harness, for state that settles after a render or an animation frame.
 * @template T
 * @param {() => T | Promise<T>} fn
 * @param {{ timeout?: number, interval?: number }} [opts]
 * @returns {Promise<T>}
 */
export async function poll(fn, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}

// Used by run.mjs only.
export const internal = {
  setCurrentFile(file) {
    currentFile = file;
  },
  registered,
};
