#!/usr/bin/env node
// Benchmark, not a test: trains the long-range task in the browser's Train panel as an LSTM and as
// a plain RNN (the panel's defaults, i.e. the shipped recipe), and prints the training time, the
// held-out accuracy and how smooth the page stayed (longest gap between animation frames).
//
//   node scripts/train-browser-bench.mjs [--steps N] [--cells lstm,rnn]
//
// Builds the app into a temp dir, serves it on loopback and drives system Chromium.
/* global window, requestAnimationFrame -- the page.evaluate callbacks run in the browser */
import os from 'node:os';
import { CHROMIUM_ARGS, findChromium, previewBuild } from '../tests/e2e/browser.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const steps = flag('steps', '');
const cells = flag('cells', 'lstm,rnn').split(',');

/** Records animation-frame gaps and main-thread long tasks in the page until stopMonitor. */
async function startMonitor(page) {
  await page.evaluate(() => {
    const w = window;
    const g = { max: 0, over100: 0, frames: 0, last: performance.now(), on: true, longTasks: 0, longTaskMs: 0 };
    w.__gaps = g;
    // Main-thread tasks over 50 ms: what the page itself spends, apart from the machine's load.
    g.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        g.longTasks++;
        g.longTaskMs += e.duration;
      }
    });
    g.observer.observe({ type: 'longtask' });
    const tick = (t) => {
      if (!g.on) return;
      const gap = t - g.last;
      g.max = Math.max(g.max, gap);
      if (gap > 100) g.over100++;
      g.frames++;
      g.last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function stopMonitor(page) {
  return page.evaluate(() => {
    const g = window.__gaps;
    g.on = false;
    g.observer.disconnect();
    const { observer: _o, ...rest } = g;
    return rest;
  });
}

function describeGaps(g) {
  return (
    `longest frame gap ${g.max.toFixed(0)} ms, ${g.over100} gaps over 100 ms in ${g.frames} frames, ` +
    `${g.longTasks} main-thread tasks over 50 ms (${(g.longTaskMs / 1000).toFixed(1)} s in all)`
  );
}

const { chromium } = await import('playwright-core');
let server;
let browser;
try {
  server = await previewBuild({ prefix: 'gatescope-bench-dist-', logLevel: 'error' });
  const baseURL = server.baseURL;
  browser = await chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Every panel open: the visualizer redraws from the weights as training goes, as a student would see it.
  await page.goto(`${baseURL}#panels=train,diagram,prediction,heatmaps,gradient,knobs,equations`);
  const panel = page.getByRole('region', { name: 'Train' });
  await panel.waitFor();
  const value = (label) => panel.locator('dl.train-numbers dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').textContent();

  console.log(`Chromium ${browser.version()}, ${os.cpus().length} cores (${os.loadavg()[0].toFixed(1)} load)`);
  // The same measurement with nothing training: what the machine's load alone does to the frames.
  await startMonitor(page);
  await page.waitForTimeout(5000);
  console.log(`idle page, 5 s: ${describeGaps(await stopMonitor(page))}`);
  for (const cell of cells) {
    await panel.getByRole('combobox', { name: 'Task' }).selectOption('long-range');
    await panel.getByRole('combobox', { name: 'Cell' }).selectOption(cell);
    if (steps) await panel.getByRole('spinbutton', { name: 'Steps' }).fill(steps);
    const settings = {
      hidden: await panel.getByRole('combobox', { name: 'Hidden size' }).inputValue(),
      lr: await panel.getByRole('combobox', { name: 'Learning rate' }).inputValue(),
      steps: await panel.getByRole('spinbutton', { name: 'Steps' }).inputValue(),
    };
    await startMonitor(page);
    const started = Date.now();
    await panel.getByRole('button', { name: 'Start' }).click();
    const timeline = [];
    for (;;) {
      await page.waitForTimeout(1000);
      const status = await value('Status');
      const busy = await page.evaluate(() => window.__gaps.longTaskMs);
      timeline.push(`${Math.round((Date.now() - started) / 1000)}s:${await value('Accuracy on held-out examples')}(${(busy / 1000).toFixed(1)})`);
      if (status === 'finished' || Date.now() - started > 180_000) break;
    }
    const gaps = await stopMonitor(page);
    console.log(
      `${cell.toUpperCase()} H=${settings.hidden} lr=${settings.lr} steps=${settings.steps}: ` +
        `held-out accuracy ${await value('Accuracy on held-out examples')}, training time ${await value('Time')}, ` +
        `wall ${((Date.now() - started) / 1000).toFixed(1)} s, ${describeGaps(gaps)}`,
    );
    console.log(`  held-out accuracy over time (seconds of long tasks so far): ${timeline.join(' ')}`);
    await panel.getByRole('button', { name: 'Reset' }).click();
  }
} finally {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
}
process.exit(0);
