#!/usr/bin/env node
// Interface benchmark (issue 6): builds the app into a temp dir, serves it with vite preview on
// loopback, drives system Chromium headless and measures, in the page, how long a key press takes
// to reach the screen.
//
//   npm run bench:ui [-- --json FILE] [--presses N] [--edits N] [--gap MS] [--quick] [--only default|h128|issue3]
//   (BENCH_DEBUG=1 prints page errors as they happen and a few raw samples)
//
// Each sample ends after the rendering steps of the first frame after the key's task: a
// user-blocking task posted from requestAnimationFrame runs once style, layout, paint and layerize
// are done, ahead of normal-priority tasks already queued. (A MessageChannel message, used before,
// queues behind React's scheduler task that renders the off-screen panels after the frame, so it
// counted that render as part of the frame: a Chromium trace of an edit at T=32 showed the frame's
// rendering ending at 23.6 ms and the message arriving at 30.9 ms, after a 5.4 ms task of React's
// scheduler, performWorkUntilDeadline.)
// Without scheduler.postTask the message is the fallback.
//   latency = key event timestamp -> that frame rendered: what the student waits, including the
//             wait for a frame, which no code can shorten (headless Chromium hands key events to the
//             page aligned to its 60 Hz frames, so even a key that does nothing shows ~8-16 ms here)
//   work    = (our keydown listener runs -> the key's task finished) + (frame start -> frame
//             rendered): the main-thread time the press costs. Work at most 16 ms means the press
//             is drawn in the next frame, which is what "redraw inside one frame" asks for; the
//             budgets below are checked on it.
// The browser's own Event Timing entries (durationThreshold 16, 8 ms granularity) are collected too
// and reported as the count of presses whose event-timing duration exceeded 16 ms.
//
// The hidden-size-128 runs use a generated LSTM (input 64, hidden 128, the sentiment vocabulary)
// added to the temp build's models/index.json as task "bench128", and the runs for issue 3's own
// figure (edits and knob moves at hidden 64, 64 tokens) one with hidden 64 as task "bench64": no
// test hook ships in the app.
// Functions passed to the page (instrument, waitForFunction, evaluate) run in the browser:
/* global window, document, addEventListener, removeEventListener, requestAnimationFrame */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, findChromium, previewBuild, root } from '../tests/e2e/browser.mjs';
import { initParams } from '../src/engine/init.ts';
import { modelToFile, parseModelText } from '../src/engine/modelFile.ts';


/**
 * Pause between one measured input's frame and the next input, in ms: 50 is about a held arrow
 * key's auto-repeat rate. Panels below the fold finish updating after the frame (see
 * src/components/useOnScreen.ts); with no pause that trailing work would land in the next press's frame.
 */
let GAP_MS = 50;

/** The budgets of issue 6 this script checks, in ms. */
const BUDGETS = {
  stepP95: 16,
  edit32: 16,
  edit256: 50,
  // issue 3: "editing the sentence or moving a knob recomputes and redraws within one frame for
  // sentences up to 64 tokens at hidden size 64"
  frame64: 16,
};

const WORDS = 'the acting was not bad but the plot was really boring and the music was good'.split(' ');

/** A sentence of exactly n word tokens from the sentiment vocabulary. */
function sentenceOf(n) {
  return Array.from({ length: n }, (_, k) => WORDS[k % WORDS.length]).join(' ');
}

function parseArgs(argv) {
  const opts = { json: null, presses: 200, edits: 60, refines: 8, gap: 50, only: null };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const next = () => {
      const v = argv[++k];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') opts.json = next();
    else if (a === '--presses') opts.presses = Number(next());
    else if (a === '--edits') opts.edits = Number(next());
    else if (a === '--gap') opts.gap = Number(next());
    else if (a === '--only') opts.only = next();
    else if (a === '--quick') Object.assign(opts, { presses: 40, edits: 16, refines: 3 });
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench:ui [-- --json FILE] [--presses N] [--edits N] [--gap MS] [--quick] [--only default|h128|issue3]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ['presses', 'edits']) {
    if (!Number.isInteger(opts[k]) || opts[k] < 1) throw new Error(`--${k} must be a positive whole number`);
  }
  if (!Number.isFinite(opts.gap) || opts.gap < 0) throw new Error('--gap must be a number of ms, 0 or more');
  if (opts.only !== null && !['default', 'h128', 'issue3'].includes(opts.only)) throw new Error('--only takes default, h128 or issue3');
  GAP_MS = opts.gap;
  return opts;
}

/** A generated LSTM (input 64) as a model file, with the shipped sentiment model's vocabulary. */
function benchModelFile(hiddenSize) {
  const base = parseModelText(readFileSync(path.join(root, 'public/models/sentiment-lstm.json'), 'utf8'));
  const params = initParams({
    cell: 'lstm',
    inputSize: 64,
    hiddenSize,
    vocabSize: base.tokenizer.vocab.length,
    numClasses: base.labels.length,
    seed: 6,
  });
  return modelToFile({ name: `bench LSTM (input 64, hidden ${hiddenSize}, random weights)`, params, tokenizer: base.tokenizer, labels: base.labels }, 'pytorch');
}

/** A production build with the generated hidden-128 and hidden-64 models added to its catalogue, on loopback. */
function startServer() {
  return previewBuild({
    prefix: 'gatescope-bench-ui-',
    prepare(outDir) {
      const indexFile = path.join(outDir, 'models', 'index.json');
      const index = JSON.parse(readFileSync(indexFile, 'utf8'));
      for (const H of [128, 64]) {
        index.models.push({
          id: `bench${H}-lstm`,
          file: `bench${H}-lstm.json`,
          task: `bench${H}`,
          cell: 'lstm',
          testAccuracy: null,
          description: 'benchmark model',
          sentence: sentenceOf(32),
        });
        writeFileSync(path.join(outDir, 'models', `bench${H}-lstm.json`), JSON.stringify(benchModelFile(H)));
      }
      writeFileSync(indexFile, JSON.stringify(index));
    },
  });
}

/**
 * Runs in the page before the app: times every trusted keydown to its rendered frame, collects
 * Event Timing entries, and times the Jacobian refinement (the store's 200 ms idle timer).
 */
function instrument() {
  const samples = [];
  const refines = [];
  const events = [];
  let waiters = [];
  const settle = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  /**
   * Calls done(rec) once the first frame after the current task has rendered. `rec.handled` is set
   * by the caller when the task's own work is over; any idle time before the frame is not work.
   */
  const track = (rec, done) => {
    requestAnimationFrame(() => {
      const raf = performance.now();
      rec.cleanup?.();
      delete rec.cleanup;
      const handled = Math.min(rec.handled ?? raf, raf);
      const rendered = () => {
        const painted = performance.now();
        rec.latency = painted - rec.t0;
        rec.work = handled - rec.start + (painted - raf);
        rec.script = handled - rec.start;
        rec.frame = painted - raf;
        rec.inputDelay = rec.start - rec.t0;
        done(rec);
      };
      if (window.scheduler?.postTask) window.scheduler.postTask(rendered, { priority: 'user-blocking' });
      else {
        const ch2 = new MessageChannel();
        ch2.port1.onmessage = rendered;
        ch2.port2.postMessage(0);
      }
    });
  };
  // A key press's task (keydown, then the input event of typing) or a text replacement's input
  // event (Playwright's fill, a paste) starts one sample.
  let inTask = false;
  const start = (e, key) => {
    // A timestamp from before the page's clock started (or in the future) is not usable.
    const now = performance.now();
    const t0 = e.timeStamp > 0 && e.timeStamp <= now ? e.timeStamp : now;
    const rec = { key, t0, start: now, handled: null };
    inTask = true;
    // Added during dispatch, these run after the app's own window listeners (and the React
    // render their store update triggers, in the microtask after each listener).
    const end = () => {
      rec.handled = performance.now();
    };
    addEventListener('keydown', end);
    addEventListener('input', end);
    rec.cleanup = () => {
      inTask = false;
      removeEventListener('keydown', end);
      removeEventListener('input', end);
    };
    track(rec, (r) => {
      samples.push(r);
      settle();
    });
  };
  addEventListener(
    'keydown',
    (e) => {
      if (e.isTrusted) start(e, e.key);
    },
    { capture: true },
  );
  addEventListener(
    'input',
    (e) => {
      if (e.isTrusted && !inTask) start(e, 'input');
    },
    { capture: true },
  );
  // Every timer callback's run time (up to the end of the microtasks it queued, where a store
  // update's React render runs); the store's 200 ms Jacobian refinement also gets its frame timed.
  const timers = [];
  const realSetTimeout = window.setTimeout.bind(window);
  window.setTimeout = function (fn, delay, ...args) {
    if (typeof fn !== 'function') return realSetTimeout(fn, delay, ...args);
    return realSetTimeout(
      function (...a) {
        const now = performance.now();
        const entry = { delay: delay ?? 0, t0: now, end: now };
        timers.push(entry);
        const rec = delay === 200 ? { t0: now, start: now, handled: null } : null;
        if (rec) {
          track(rec, (r) => {
            refines.push(r);
            settle();
          });
        }
        try {
          return fn.apply(this, a);
        } finally {
          queueMicrotask(() => {
            entry.end = performance.now();
            if (rec) rec.handled = entry.end;
          });
        }
      },
      delay,
      ...args,
    );
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'keydown') events.push(e.duration);
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {
    // Event Timing missing: the in-page timings still stand.
  }
  window.__gsBench = {
    samples,
    refines,
    events,
    timers,
    /** Resolves once `n` key samples have been recorded (counted, so a fast frame cannot be missed). */
    until(n) {
      return new Promise((resolve) => {
        const check = () => (samples.length >= n ? resolve() : waiters.push(check));
        check();
      });
    },
    reset() {
      samples.length = 0;
      refines.length = 0;
      events.length = 0;
      timers.length = 0;
    },
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k];
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? NaN };
}

function summarize(name, samples, events, extra = {}) {
  return {
    name,
    ...extra,
    work: stats(samples.map((s) => s.work)),
    latency: stats(samples.map((s) => s.latency)),
    script: stats(samples.map((s) => s.script)),
    frame: stats(samples.map((s) => s.frame)),
    eventTiming: { over16: events.filter((d) => d > 16).length, reported: events.length, max: events.length ? Math.max(...events) : 0 },
    // Every sample in order (the JSON file's record of where a tail came from).
    samples: samples.map((s) => ({ key: s.key, work: round1(s.work), script: round1(s.script), frame: round1(s.frame) })),
  };
}

const round1 = (v) => Math.round(v * 10) / 10;

async function openPage(browser, baseURL, hash, { H, T }) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort('blockedbyclient');
  });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => {
    errors.push(e.message);
    if (process.env.BENCH_DEBUG) console.log(`page error: ${e.stack ?? e.message}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.setDefaultTimeout(60_000);
  await page.goto(hash ? `./#${hash}` : './');
  // Ready: the trained (or bench) model is shown, with its size and length, and KaTeX has drawn.
  await page.waitForFunction(
    ({ H, T }) => {
      const input = document.querySelector('.diagram-unit input[type=number]');
      const chips = document.querySelectorAll('ol.token-strip > li').length;
      return !document.querySelector('.model-notice') && input && Number(input.max) === H - 1 && chips === T && document.querySelector('.katex');
    },
    { H, T },
  );
  // Let the Jacobian refinement and any resize settle before measuring.
  await page.waitForTimeout(600);
  return { context, page, errors };
}

/** Presses `key` n times with focus on the page (not the text box), one press per rendered frame. */
async function pressSteps(page, n, T) {
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Home');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  await page.evaluate(() => window.__gsBench.reset());
  let at = 0;
  let count = 0;
  const homes = [];
  for (let k = 0; k < n; k++) {
    if (at >= T - 1) {
      // Back to the start without counting it (Home is a press too, but not a step).
      await page.keyboard.press('Home');
      homes.push(count);
      await page.evaluate((c) => window.__gsBench.until(c), ++count);
      at = 0;
    }
    await page.keyboard.press('ArrowRight');
    await page.evaluate((c) => window.__gsBench.until(c), ++count);
    await page.waitForTimeout(GAP_MS);
    at += 1;
  }
  const got = await page.evaluate(() => ({ samples: window.__gsBench.samples.slice(), events: window.__gsBench.events.slice() }));
  return { samples: got.samples.filter((_, i) => !homes.includes(i)), events: got.events };
}

/** Key presses that change nothing: the vsync wait alone, for calibrating the latency figures. */
async function pressNothing(page, n) {
  await page.getByRole('heading', { level: 1 }).click();
  await page.evaluate(() => window.__gsBench.reset());
  for (let k = 0; k < n; k++) {
    await page.keyboard.press('q');
    await page.evaluate((c) => window.__gsBench.until(c), k + 1);
  }
  return page.evaluate(() => ({ samples: window.__gsBench.samples.slice(), events: window.__gsBench.events.slice() }));
}

/**
 * Moves the knobs from the keyboard n times: each slider in turn is focused (which scrolls the Knobs
 * panel into view, as a student using it sees the page), set to its minimum with Home (not counted)
 * and stepped up with ArrowRight, one press per rendered frame. Every press gives knob values not
 * among the store's last few runs, so its run cache never answers for the engine.
 */
async function moveKnobs(page, n) {
  const sliders = [
    { name: 'Recurrent weight scale', positions: 19 },
    { name: 'Forget-gate bias', positions: 21 },
  ];
  await page.evaluate(() => window.__gsBench.reset());
  let count = 0;
  let kept = 0;
  const skip = [];
  for (let round = 0; kept < n; round++) {
    const { name, positions } = sliders[round % sliders.length];
    const slider = page.getByRole('slider', { name });
    await slider.focus();
    await page.waitForTimeout(200);
    await page.keyboard.press('Home');
    skip.push(count);
    await page.evaluate((c) => window.__gsBench.until(c), ++count);
    await page.waitForTimeout(300);
    for (let k = 1; k < positions && kept < n; k++) {
      await page.keyboard.press('ArrowRight');
      await page.evaluate((c) => window.__gsBench.until(c), ++count);
      await page.waitForTimeout(GAP_MS);
      kept += 1;
    }
  }
  const got = await page.evaluate(() => ({ samples: window.__gsBench.samples.slice(), events: window.__gsBench.events.slice() }));
  return { samples: got.samples.filter((_, i) => !skip.includes(i)), events: got.events };
}

/** Known words of the sentiment vocabulary that an edit swaps in (more than the store caches). */
const SWAPS = ['good', 'bad', 'great', 'boring', 'awful', 'fun', 'dull', 'wonderful', 'terrible', 'loved'];

/** The sentence with the word at `at` ('first' or 'last') replaced by the k-th swap word. */
function edited(words, at, k) {
  const out = [...words];
  const i = at === 'first' ? 0 : out.length - 1;
  out[i] = SWAPS[k % SWAPS.length] === out[i] ? SWAPS[(k + 1) % SWAPS.length] : SWAPS[k % SWAPS.length];
  return out.join(' ');
}

/**
 * Replaces one word of the sentence n times (the text box's value set at once, as a paste or
 * Playwright's fill does; timed from its input event). Every edit gives token ids not seen in the
 * last few runs, so the store's run cache never answers for the engine.
 */
async function replaceWords(page, n, sentence, T, at) {
  const box = page.getByRole('textbox', { name: 'Sentence' });
  const words = sentence.split(' ');
  await box.fill(sentence);
  await page.waitForTimeout(300);
  await page.evaluate(() => window.__gsBench.reset());
  for (let k = 0; k < n; k++) {
    await box.fill(edited(words, at, k));
    await page.evaluate((c) => window.__gsBench.until(c), k + 1);
    await page.waitForTimeout(GAP_MS);
  }
  const got = await page.evaluate(() => ({ samples: window.__gsBench.samples.slice(), events: window.__gsBench.events.slice() }));
  const chips = await page.locator('ol.token-strip > li').count();
  if (chips !== T) throw new Error(`expected ${T} tokens after editing, the page shows ${chips}`);
  return got;
}

/**
 * Types n letters at the end of the sentence, as a student types. After the first letter the word
 * is unknown to the vocabulary, so further letters keep the token ids (the trace is recomputed, but
 * no Jacobian norm changes).
 */
async function typeLetters(page, n, sentence, T) {
  const box = page.getByRole('textbox', { name: 'Sentence' });
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const samples = [];
  const events = [];
  let round = 0;
  while (samples.length < n) {
    await box.fill(sentence);
    await box.press('End');
    await page.waitForTimeout(300);
    await page.evaluate(() => window.__gsBench.reset());
    const per = Math.min(12, n - samples.length);
    for (let k = 0; k < per; k++) {
      await page.keyboard.press(letters[(round * 7 + k) % 26]);
      await page.evaluate((c) => window.__gsBench.until(c), k + 1);
      await page.waitForTimeout(GAP_MS);
    }
    const got = await page.evaluate(() => ({ samples: window.__gsBench.samples.slice(), events: window.__gsBench.events.slice() }));
    samples.push(...got.samples);
    events.push(...got.events);
    round += 1;
  }
  const chips = await page.locator('ol.token-strip > li').count();
  if (chips !== T) throw new Error(`expected ${T} tokens after typing, the page shows ${chips}`);
  return { samples, events };
}

/**
 * The idle refinement of the Jacobian norms after an edit of the first or last word, n times:
 * `work`/`latency` of its first task and frame as for a key, plus `longest` (the longest task it
 * ran: what a key press arriving meanwhile could wait) and `total` (start to the last chunk's end).
 */
async function refineAfterEdits(page, n, sentence, at) {
  const box = page.getByRole('textbox', { name: 'Sentence' });
  const words = sentence.split(' ');
  const out = [];
  for (let k = 0; k < n; k++) {
    await page.waitForTimeout(300);
    await page.evaluate(() => window.__gsBench.reset());
    await box.fill(edited(words, at, k + 3));
    // The page's setTimeout is wrapped, so poll with the Node side's clock instead.
    await page.waitForFunction(() => window.__gsBench.refines.length > 0, null, { polling: 50 });
    // Let the remaining chunks finish: no timer callback for 250 ms.
    await page.waitForFunction(
      () => {
        // Only the refinement's own timers (the 200 ms start, then 0 ms chunks): the poll is a timer too.
        const ts = window.__gsBench.timers.filter((x) => x.delay === 0 || x.delay === 200);
        return ts.length > 0 && performance.now() - Math.max(...ts.map((x) => x.end)) > 250;
      },
      null,
      { polling: 100, timeout: 120_000 },
    );
    const { refines, timers } = await page.evaluate(() => ({ refines: window.__gsBench.refines.slice(), timers: window.__gsBench.timers.slice() }));
    const first = timers.find((x) => x.delay === 200);
    const chain = timers.filter((x) => x.t0 >= first.t0 && (x === first || x.delay === 0));
    out.push({
      ...refines[0],
      longest: Math.max(...chain.map((x) => x.end - x.t0)),
      total: Math.max(...chain.map((x) => x.end)) - first.t0,
      tasks: chain.length,
    });
  }
  return out;
}

const fmt = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');

function table(rows) {
  const head = ['measure', 'n', 'work med', 'work p95', 'work max', 'script med', 'frame med', 'latency med', 'latency p95', 'ET >16ms'];
  const body = rows.map((r) => [
    r.name,
    String(r.work.n),
    fmt(r.work.median),
    fmt(r.work.p95),
    fmt(r.work.max),
    fmt(r.script.median),
    fmt(r.frame.median),
    fmt(r.latency.median),
    fmt(r.latency.p95),
    r.eventTiming ? `${r.eventTiming.over16}/${r.work.n}` : '-',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { chromium } = await import('playwright-core');
  const executablePath = findChromium();
  if (!executablePath) throw new Error('bench:ui needs Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)');
  const started = new Date();
  console.log(`bench:ui  ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}`);
  const server = await startServer();
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  const rows = [];
  const problems = [];
  try {
    console.log(`Chromium ${browser.version()}, production build at ${server.baseURL}`);
    const s32 = sentenceOf(32);
    const s256 = sentenceOf(256);
    const enc = encodeURIComponent;

    const run = (section) => opts.only === null || opts.only === section;
    // 1. The default page: trained sentiment LSTM (hidden 32), its example sentence, every panel.
    if (run('default')) {
      const probe = await browser.newContext({ baseURL: server.baseURL });
      const p = await probe.newPage();
      await p.goto('./');
      await p.waitForFunction(() => !document.querySelector('.model-notice') && document.querySelectorAll('ol.token-strip > li').length > 0);
      const T = await p.locator('ol.token-strip > li').count();
      await probe.close();
      const { context, page, errors } = await openPage(browser, server.baseURL, '', { H: 32, T });
      const none = await pressNothing(page, Math.min(60, opts.presses));
      rows.push(summarize('no-op key (vsync wait only)', none.samples, none.events));
      if (process.env.BENCH_DEBUG) console.log(JSON.stringify(none.samples.slice(0, 8)));
      const r = await pressSteps(page, opts.presses, T);
      rows.push(summarize(`step, default page (LSTM H=32, T=${T})`, r.samples, r.events, { budget: 'step' }));
      problems.push(...errors);
      await context.close();
    }
    // 2. Hidden 128, 32 and 256 tokens: stepping, editing, typing, and the Jacobian refinement.
    for (const [T, sentence, editBudget] of [
      [32, s32, 'edit32'],
      [256, s256, 'edit256'],
    ].filter(() => run('h128'))) {
      const { context, page, errors } = await openPage(browser, server.baseURL, `model=bench128&cell=lstm&sentence=${enc(sentence)}`, { H: 128, T });
      const r = await pressSteps(page, opts.presses, T);
      rows.push(summarize(`step, LSTM H=128, T=${T}`, r.samples, r.events, { budget: 'step' }));
      const last = await replaceWords(page, opts.edits, sentence, T, 'last');
      rows.push(summarize(`edit last word, LSTM H=128, T=${T}`, last.samples, last.events, { budget: editBudget }));
      const first = await replaceWords(page, Math.max(4, Math.round(opts.edits / 4)), sentence, T, 'first');
      rows.push(summarize(`edit first word, LSTM H=128, T=${T}`, first.samples, first.events, { budget: editBudget }));
      const typed = await typeLetters(page, opts.edits, sentence, T);
      rows.push(summarize(`type a letter, LSTM H=128, T=${T}`, typed.samples, typed.events));
      for (const at of ['last', 'first']) {
        const f = await refineAfterEdits(page, opts.refines, sentence, at);
        const row = summarize(`Jacobian refine after ${at}-word edit, T=${T}`, f, []);
        row.eventTiming = null;
        row.longestTask = stats(f.map((x) => x.longest));
        row.total = stats(f.map((x) => x.total));
        rows.push(row);
      }
      problems.push(...errors);
      await context.close();
    }
    // 3. Issue 3's own figure: hidden 64, 64 tokens, every edit and knob move within one frame.
    if (run('issue3')) {
      const T = 64;
      const sentence = sentenceOf(T);
      const { context, page, errors } = await openPage(browser, server.baseURL, `model=bench64&cell=lstm&sentence=${enc(sentence)}`, { H: 64, T });
      const last = await replaceWords(page, opts.edits, sentence, T, 'last');
      rows.push(summarize(`edit last word, LSTM H=64, T=${T}`, last.samples, last.events, { budget: 'frame64' }));
      const first = await replaceWords(page, Math.max(4, Math.round(opts.edits / 2)), sentence, T, 'first');
      rows.push(summarize(`edit first word, LSTM H=64, T=${T}`, first.samples, first.events, { budget: 'frame64' }));
      const knobs = await moveKnobs(page, opts.edits);
      rows.push(summarize(`move a knob, LSTM H=64, T=${T}`, knobs.samples, knobs.events, { budget: 'frame64' }));
      problems.push(...errors);
      await context.close();
    }
  } finally {
    await browser.close().catch(() => {});
    await server.stop().catch(() => {});
  }

  console.log('');
  console.log('ms; work = main-thread time of the press = script (event handlers, engine, React) + frame (style, layout, paint);');
  console.log('latency = from the event timestamp to the frame rendered, including the wait for a frame;');
  console.log('ET >16ms = presses whose Event Timing duration (8 ms granularity, includes the vsync wait) exceeded 16 ms');
  console.log(table(rows));
  for (const r of rows.filter((x) => x.longestTask)) {
    console.log(`${r.name}: longest task ${fmt(r.longestTask.median)} ms median, ${fmt(r.longestTask.max)} max; done after ${fmt(r.total.median)} ms median, ${fmt(r.total.max)} max`);
  }
  console.log('');
  const verdicts = [];
  const check = (label, value, limit) => {
    const met = value <= limit;
    verdicts.push({ budget: label, value, limit, met });
    console.log(`${met ? 'met   ' : 'MISSED'}  ${label}: ${fmt(value)} ms (budget ${limit} ms)`);
  };
  for (const r of rows) {
    if (r.budget === 'step') check(`${r.name}: work p95`, r.work.p95, BUDGETS.stepP95);
    if (r.budget === 'edit32') check(`${r.name}: work p95`, r.work.p95, BUDGETS.edit32);
    if (r.budget === 'edit256') check(`${r.name}: work p95`, r.work.p95, BUDGETS.edit256);
    if (r.budget === 'frame64') check(`${r.name}: work p95`, r.work.p95, BUDGETS.frame64);
  }
  for (const p of problems) console.log(`page problem: ${p}`);
  if (opts.json) {
    mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
    const data = {
      date: started.toISOString(),
      machine: { cpu: os.cpus()[0]?.model ?? null, cores: os.cpus().length, loadavg: os.loadavg(), node: process.version, platform: `${os.platform()} ${os.release()}` },
      options: opts,
      budgets: BUDGETS,
      results: rows,
      verdicts,
      problems,
    };
    writeFileSync(opts.json, JSON.stringify(data, null, 2));
    console.log(`wrote ${opts.json}`);
  }
  return verdicts.every((v) => v.met) && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(2);
  },
);
