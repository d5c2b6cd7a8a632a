// A seeded monkey: a few thousand random clicks, keys, sentence edits, knob moves and hash changes
// from one seeded generator. The harness fails the test on any uncaught error or console error; at
// the end the page must still show every panel and answer a step key within a frame.
//
//   MONKEY_SEED=123 MONKEY_ACTIONS=3000 node tests/e2e/run.mjs monkey
//   (MONKEY_TRACE=file logs every action and the page's memory; MONKEY_CSS adds a style sheet)
import { assert, poll, test } from './harness.mjs';

const SEED = Number(process.env.MONKEY_SEED ?? (Date.now() % 2 ** 31));
const ACTIONS = Number(process.env.MONKEY_ACTIONS ?? 2500);
// The runner stops the whole run at the harness timeout; leave room for the final checks.
const BUDGET_MS = 100_000;

/** mulberry32: a tiny seeded generator, so a failing run is replayed by its seed. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

const WORDS = ['the', 'movie', 'was', 'not', 'good', 'bad', 'but', 'really', 'boring', 'great', '(', ')', '😀', '这部', 'שלום', 'مرحبا', '\u0000', '\u202e', '<b>', '&amp;', '%', '#', '=', "'", 'x'.repeat(300)];
const KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Space', 'Enter', 'Tab', 'Shift+Tab', 'Escape', 'PageUp', 'PageDown', 'Backspace', 'a', '1', 'Delete'];
const HASH_KEYS = ['sentence', 'cell', 'model', 'step', 'unit', 'scale', 'fbias', 'pad', 'seed', 'panels', 'compare', 'color', 'bogus', '__proto__'];
const HASH_VALUES = ['0', '1', '-1', '3', '2.5', '1e9', 'NaN', 'Infinity', '', '%', '%E0%A4%A', 'lstm', 'gru', 'rnn', 'random', 'sentiment', 'brackets', 'long-range', 'nope', 'saliency', 'unit', 'none', 'heatmaps,gradient', 'diagram,knobs,train', 'not%20bad', '256', '4'];

function sentence(r) {
  const n = r.next() < 0.05 ? 300 + r.int(300) : r.int(12);
  return Array.from({ length: n }, () => r.pick(WORDS)).join(r.next() < 0.9 ? ' ' : '');
}

function hash(r) {
  const n = 1 + r.int(5);
  return Array.from({ length: n }, () => `${r.pick(HASH_KEYS)}=${r.pick(HASH_VALUES)}`).join('&');
}

test(`a seeded monkey (up to ${ACTIONS} actions in 100 s, seed ${SEED}) finds no error and leaves a page that answers keys within a frame`, async ({ page, screenshot }) => {
  console.log(`      monkey seed ${SEED} (replay: MONKEY_SEED=${SEED} node tests/e2e/run.mjs monkey)`);
  const r = rng(SEED);
  // Downloads and file pickers the monkey may open are accepted and ignored; dialogs are dismissed.
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  page.on('filechooser', () => {});
  page.on('download', (d) => d.cancel().catch(() => {}));
  await page.goto('./');
  await page.locator('.live-region').filter({ hasText: /^Step \d+ of/ }).waitFor();
  // MONKEY_CSS: a style sheet added to the page, to bisect a failure by switching CSS features off
  // (e.g. MONKEY_CSS='.norm-table{contain:none!important}').
  if (process.env.MONKEY_CSS) {
    await page.evaluate((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }, process.env.MONKEY_CSS);
  }

  const counts = { click: 0, key: 0, edit: 0, knob: 0, hash: 0, scroll: 0, resize: 0 };
  const started = Date.now();
  let done = 0;
  // Each action must finish within 20 s: a stuck one names itself instead of running into the
  // harness timeout (MONKEY_TRACE=file also appends every action to that file as it starts).
  let current = '';
  const trace = process.env.MONKEY_TRACE ? (await import('node:fs')).appendFileSync : null;
  for (; done < ACTIONS && Date.now() - started < BUDGET_MS; done++) {
    const roll = r.next();
    const where = `action ${done} (seed ${SEED})`;
    let watchdog;
    const stuck = new Promise((_, reject) => {
      watchdog = setTimeout(() => reject(new Error(`${where}: ${current} did not finish within 20 s`)), 20_000);
    });
    try {
      await Promise.race([stuck, act(roll, where)]);
    } finally {
      clearTimeout(watchdog);
    }
    // With a trace, the page's memory every 250 actions: a leak shows as steady growth.
    if (trace && done % 250 === 0) {
      const mem = await page.evaluate(() => ({ heap: performance.memory?.usedJSHeapSize ?? 0, nodes: document.getElementsByTagName('*').length }));
      trace(process.env.MONKEY_TRACE, `${done} memory: JS heap ${(mem.heap / 2 ** 20).toFixed(1)} MiB, ${mem.nodes} elements\n`);
    }
  }
  async function act(roll, where) {
    const note = (what) => {
      current = what;
      trace?.(process.env.MONKEY_TRACE, `${done} ${what}\n`);
    };
    try {
      if (roll < 0.42) {
        // Click a random visible control (or, one time in five, a random point of the page).
        note('pick a control');
        const target = await page.evaluate((pickAt) => {
          const all = [...document.querySelectorAll('button, input, select, summary, label, canvas, svg rect.hit, [tabindex], h2, p')].filter((el) => {
            const b = el.getBoundingClientRect();
            return b.width > 0 && b.height > 0 && !el.closest('[hidden]');
          });
          if (all.length === 0) return null;
          const el = all[Math.floor(pickAt * all.length)];
          el.scrollIntoView({ block: 'center', inline: 'nearest' });
          const b = el.getBoundingClientRect();
          return { x: b.left + b.width * 0.5, y: b.top + b.height * 0.5, file: el instanceof HTMLInputElement && el.type === 'file' };
        }, r.next());
        const rx = r.next();
        const ry = r.next();
        if (target && !target.file && r.next() < 0.8) {
          note(`click on a control at ${target.x.toFixed(0)},${target.y.toFixed(0)}`);
          await page.mouse.click(target.x, target.y);
        } else if (!target?.file) {
          note(`click at ${(5 + rx * 1200).toFixed(0)},${(5 + ry * 780).toFixed(0)}`);
          await page.mouse.click(5 + rx * 1200, 5 + ry * 780);
        }
        counts.click++;
      } else if (roll < 0.7) {
        const key = r.pick(KEYS);
        note(`key ${key}`);
        await page.keyboard.press(key);
        counts.key++;
      } else if (roll < 0.8) {
        note('sentence edit');
        const box = page.getByRole('textbox', { name: 'Sentence' });
        // On a narrow screen a click may have folded the sentence bar: open it as a student would.
        if (!(await box.isVisible())) await page.getByRole('button', { name: 'Sentence and playback', exact: true }).click();
        await box.fill(sentence(r));
        counts.edit++;
      } else if (roll < 0.9) {
        // Move a random slider or number field to a random value (out of range too: the browser clamps).
        note('knob');
        await page.evaluate(
          ([pickAt, value]) => {
            const inputs = [...document.querySelectorAll('input[type=range], input[type=number]')];
            if (inputs.length === 0) return;
            const input = inputs[Math.floor(pickAt * inputs.length)];
            const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
            set.call(input, String(value));
            input.dispatchEvent(new Event('input', { bubbles: true }));
            input.dispatchEvent(new Event('change', { bubbles: true }));
          },
          [r.next(), Math.round((r.next() * 2 - 0.5) * 300) / 10],
        );
        counts.knob++;
      } else if (roll < 0.97) {
        const h = hash(r);
        note(`hash ${h}`);
        await page.evaluate((value) => {
          window.location.hash = value;
        }, h);
        counts.hash++;
      } else if (roll < 0.99) {
        note('scroll');
        await page.mouse.wheel(0, (r.next() - 0.5) * 3000);
        counts.scroll++;
      } else {
        const width = r.pick([360, 800, 1280]);
        note(`resize to ${width}`);
        await page.setViewportSize({ width, height: 800 });
        counts.resize++;
      }
    } catch (e) {
      throw new Error(`${where}: ${e.message}`, { cause: e });
    }
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`      ${done} actions in ${secs} s: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  assert.ok(done >= Math.min(ACTIONS, 1000), `at least 1000 actions ran (${done})`);

  // Back to a known view; the page must be whole and answer keys at once.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.keyboard.press('Escape');
  await page.evaluate(() => {
    window.location.hash = 'sentence=the%20acting%20was%20not%20bad%20at%20all&model=sentiment&cell=lstm&step=0&panels=diagram,heatmaps,prediction,gradient,equations,knobs';
  });
  await poll(async () => assert.match(await page.locator('.live-region').textContent(), /^Step 1 of 7: 'the'/));
  assert.equal(await page.locator('.panel-error').count(), 0, 'no panel shows an error');
  assert.equal(await page.locator('section.panel').count(), 6);
  await page.getByRole('heading', { level: 1 }).click();

  // Latency of a step key: from keydown to the live region's new text, and to the next painted frame.
  const latencies = [];
  for (let i = 0; i < 10; i++) {
    if (i % 5 === 0) {
      await page.keyboard.press('Home');
      await poll(async () => assert.match(await page.locator('.live-region').textContent(), /^Step 1 of 7/));
    }
    const measure = page.evaluate(
      () =>
        new Promise((resolve) => {
          const live = document.querySelector('.live-region');
          let down = 0;
          window.addEventListener('keydown', () => (down = performance.now()), { capture: true, once: true });
          const observer = new MutationObserver(() => {
            const text = performance.now() - down;
            observer.disconnect();
            requestAnimationFrame(() => resolve({ text, frame: performance.now() - down }));
          });
          observer.observe(live, { childList: true, characterData: true, subtree: true });
        }),
    );
    await page.waitForTimeout(50);
    await page.keyboard.press('ArrowRight');
    latencies.push(await measure);
  }
  const sorted = (key) => latencies.map((l) => l[key]).sort((a, b) => a - b);
  const median = (key) => sorted(key)[Math.floor(latencies.length / 2)];
  console.log(
    `      step key: live region updated after median ${median('text').toFixed(1)} ms (max ${Math.max(...sorted('text')).toFixed(1)}), ` +
      `next frame after median ${median('frame').toFixed(1)} ms (max ${Math.max(...sorted('frame')).toFixed(1)})`,
  );
  assert.ok(median('text') < 50, `the live region follows a step key within 50 ms (median ${median('text').toFixed(1)} ms)`);
  assert.ok(median('frame') < 100, `the step is painted within a few frames (median ${median('frame').toFixed(1)} ms)`);
  await screenshot('monkey-end');
}, { timeout: 150_000 });
