// Browser tests of the gradient view, the knobs, the cell diagram and the equations.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, poll, test } from './harness.mjs';

const shotDir = path.resolve(fileURLToPath(new URL('../../test-results/screenshots', import.meta.url)));

/** Saves a screenshot of one element (the harness's own screenshot is the full page). */
async function shootElement(locator, name) {
  mkdirSync(shotDir, { recursive: true });
  // The sticky sentence-and-playback bar would cover the top of a panel in an element screenshot.
  // Unstuck through CSSOM: the page's CSP refuses the <style> tag screenshot({ style }) would add.
  const bar = locator.page().locator('section[aria-label="Sentence and playback"]');
  await bar.evaluate((el) => el.style.setProperty('position', 'static', 'important'));
  await locator.screenshot({ path: path.join(shotDir, `${name}.png`) });
  await bar.evaluate((el) => el.style.removeProperty('position'));
}

/** The "Gradient norms" table as { header, rows } of cell texts. */
async function readGradientTable(page) {
  const table = page.getByRole('region', { name: 'Gradient flow' }).getByRole('table', { name: 'Gradient norms' });
  return table.evaluate((el) => ({
    header: Array.from(el.querySelectorAll('thead th')).map((c) => c.textContent.trim()),
    rows: Array.from(el.querySelectorAll('tbody tr')).map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => c.textContent.trim())),
  }));
}

/** Table text back to a number: "3.2e-9" -> 3.2e-9, "0" -> 0, "overflow" -> Infinity. */
function parseNorm(text) {
  if (text === 'overflow') return Infinity;
  const v = Number(text);
  assert.ok(Number.isFinite(v), `"${text}" is a number in the gradient table`);
  return v;
}

/** Moves a range input by pressing a key n times, as a keyboard user would. */
async function pressOn(locator, key, n) {
  await locator.focus();
  for (let k = 0; k < n; k++) await locator.press(key);
}

// Seeded random weights keep the numbers the same whatever trained models are shipped.
const START = './#model=random&seed=1&cell=lstm&sentence=the%20movie%20was%20not%20good%20at%20all';

test('on a sentence padded to 60 tokens the RNN gradient at the first token is far below the LSTM one', async ({ page, screenshot }) => {
  await page.goto(START);
  const knobs = page.getByRole('region', { name: 'Knobs' });
  const pad = knobs.getByRole('slider', { name: 'Pad sentence to' });
  await pressOn(pad, 'ArrowRight', 60);
  assert.equal(await pad.getAttribute('aria-valuetext'), '60 tokens');
  // Bias the forget gate toward 1 (+2), the standard LSTM initialisation trick; untrained weights need it.
  const bias = knobs.getByRole('slider', { name: 'Forget-gate bias' });
  await pressOn(bias, 'ArrowRight', 4);
  assert.equal(await bias.getAttribute('aria-valuetext'), '+2.0');

  const flow = page.getByRole('region', { name: 'Gradient flow' });
  await flow.getByRole('checkbox', { name: 'Compare RNN, LSTM and GRU' }).check();
  const { header, rows } = await poll(async () => {
    const t = await readGradientTable(page);
    assert.equal(t.header.length, 5);
    return t;
  });
  assert.deepEqual(header, ['Token', 'RNN ||dL/dh||', 'LSTM ||dL/dh||', 'LSTM ||dL/dc||', 'GRU ||dL/dh||']);
  assert.equal(rows.length, 60, 'one row per token after padding');
  assert.equal(rows[0][0], 'the');
  const rnnFirst = parseNorm(rows[0][1]);
  const lstmFirst = parseNorm(rows[0][2]);
  assert.ok(rnnFirst < lstmFirst / 100, `RNN ${rows[0][1]} should be over 100x below LSTM ${rows[0][2]} at the first token`);
  // Both start from a comparable gradient at the last token.
  const last = rows[59];
  assert.ok(parseNorm(last[1]) > 1e-3 && parseNorm(last[2]) > 1e-3, `last-token gradients ${last[1]} and ${last[2]}`);
  const text = await flow.textContent();
  assert.ok(!/NaN/.test(text), 'no NaN in the gradient view');
  assert.match(text, /RNN:\s*The gradient reaching “the” is 10/);

  await flow.scrollIntoViewIfNeeded();
  await shootElement(flow, 'gradient-compare');
  await screenshot('gradient-compare-page');
});

test('moving the recurrent-scale knob changes the gradient table', async ({ page }) => {
  await page.goto(START.replace('cell=lstm', 'cell=rnn') + '&pad=30');
  const before = await poll(async () => {
    const t = await readGradientTable(page);
    assert.equal(t.rows.length, 30);
    return t;
  });
  const scale = page.getByRole('slider', { name: 'Recurrent weight scale' });
  assert.equal(await scale.getAttribute('aria-valuetext'), '1.00×');
  await pressOn(scale, 'ArrowLeft', 5);
  assert.equal(await scale.getAttribute('aria-valuetext'), '0.50×');
  const after = await poll(async () => {
    const t = await readGradientTable(page);
    assert.notDeepEqual(t.rows, before.rows);
    return t;
  });
  // Halving W_hh halves every one-step Jacobian at most, so over 29 steps back the RNN's gradient
  // at the first token must drop by orders of magnitude.
  const b = parseNorm(before.rows[0][1]);
  const a = parseNorm(after.rows[0][1]);
  assert.ok(a < b / 1000, `first-token gradient went from ${before.rows[0][1]} to ${after.rows[0][1]}`);
});

test('the cell diagram explains a part on hover and on keyboard focus', async ({ page }) => {
  await page.goto(START + '&step=3&unit=2');
  const diagram = page.getByRole('region', { name: 'Cell diagram' });
  const forget = diagram.getByRole('img', { name: /^Forget gate f, unit 2: -?\d\.\d\d$/ });
  await forget.hover();
  const tooltip = diagram.locator('.diagram-tooltip');
  await tooltip.waitFor({ state: 'visible' });
  assert.match(await tooltip.textContent(), /forget gate decides .* f_t = σ\(/);
  const live = diagram.locator('.diagram-explain');
  assert.equal(await live.getAttribute('aria-live'), 'polite');
  assert.equal(await live.textContent(), await tooltip.textContent());
  await shootElement(diagram, 'cell-diagram-lstm');

  await page.mouse.move(0, 0);
  const cellState = diagram.getByRole('img', { name: /^Cell state c, unit 2:/ });
  await cellState.focus();
  assert.match(await live.textContent(), /c_t = f_t ⊙ c_\(t−1\) \+ i_t ⊙ g_t/);
});

test('the equations render with KaTeX and carry the same numbers as the diagram', async ({ page, screenshot }) => {
  await page.goto(START + '&step=2&unit=4');
  const eq = page.getByRole('region', { name: 'Equations' });
  await eq.locator('.katex').first().waitFor({ state: 'visible' });
  assert.equal(await eq.locator('.katex').count(), 12, 'six LSTM equations, each general and with numbers');
  // The TeX source is kept in the MathML annotation; the c_t line ends in the cell state's value.
  const cTex = await eq.locator('li[data-equation="c"] annotation').nth(1).textContent();
  const diagramLabel = await page
    .getByRole('region', { name: 'Cell diagram' })
    .getByRole('img', { name: /^Cell state c, unit 4:/ })
    .getAttribute('aria-label');
  const value = diagramLabel.split(': ')[1];
  assert.ok(cTex.startsWith('c_t[4] = '), cTex);
  assert.ok(cTex.endsWith(`= ${value}`), `${cTex} ends with the diagram's c value ${value}`);
  await eq.scrollIntoViewIfNeeded();
  await shootElement(eq, 'equations-lstm');

  // The GRU diagram, for the screenshot record.
  await page.getByRole('radio', { name: 'GRU' }).check();
  const diagram = page.getByRole('region', { name: 'Cell diagram' });
  await diagram.getByRole('img', { name: /^Update gate z/ }).hover();
  await shootElement(diagram, 'cell-diagram-gru');
  await screenshot('gradient-suite-page');
});

test('the gradient view fits a 360 px phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(START + '&pad=40&compare=1');
  const flow = page.getByRole('region', { name: 'Gradient flow' });
  await flow.getByRole('table', { name: 'Gradient norms' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await flow.scrollIntoViewIfNeeded();
  await shootElement(flow, 'gradient-phone');
  await shootElement(page.getByRole('region', { name: 'Knobs' }), 'knobs-phone');
});

test('the backward playback walks the gradient from the last token to the first', async ({ page }) => {
  await page.goto(START + '&pad=12');
  const flow = page.getByRole('region', { name: 'Gradient flow' });
  const reachedRow = () =>
    flow.getByRole('table', { name: 'Gradient norms' }).evaluate((el) => Array.from(el.querySelectorAll('tbody tr')).findIndex((r) => r.classList.contains('is-reached')));
  await flow.getByRole('button', { name: 'Play gradient backward' }).click();
  const order = [];
  let shot = false;
  await poll(
    async () => {
      const r = await reachedRow();
      if (r >= 0 && order[order.length - 1] !== r) order.push(r);
      if (r === 5 && !shot) {
        shot = true;
        await shootElement(flow.locator('.gradient-charts'), 'gradient-backward-playback');
      }
      assert.ok(order.includes(0), `reached rows so far: ${order.join(', ')}`);
    },
    { timeout: 20_000, interval: 30 },
  );
  assert.equal(order[0] > 6, true, `starts near the last token (row ${order[0]})`);
  for (let k = 1; k < order.length; k++) assert.ok(order[k] < order[k - 1], `moves toward the first token: ${order.join(', ')}`);
  await poll(async () => assert.equal(await flow.getByRole('button', { name: 'Play gradient backward' }).count(), 1));
});

test('with reduced motion the backward playback jumps straight to the first token', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(START);
  const flow = page.getByRole('region', { name: 'Gradient flow' });
  await flow.getByRole('button', { name: 'Play gradient backward' }).click();
  const first = flow.getByRole('table', { name: 'Gradient norms' }).locator('tbody tr').first();
  assert.match(await first.getAttribute('class'), /is-reached/);
  await flow.getByRole('button', { name: 'Stop gradient playback' }).click();
  assert.doesNotMatch((await first.getAttribute('class')) ?? '', /is-reached/);
});
