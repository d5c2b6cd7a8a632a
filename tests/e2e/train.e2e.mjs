// Browser test of the Train panel: training runs in a worker, the curve moves, pause and resume
// work, the visualizer shows the weights in training, and the model downloads as a model file.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, poll, test } from './harness.mjs';

const shotDir = path.resolve(fileURLToPath(new URL('../../test-results/screenshots', import.meta.url)));
/**
 * Saves a screenshot of one element (the harness's own screenshot is the full page). The sticky
 * sentence-and-playback bar would cover the element, so it is unstuck through the CSSOM meanwhile
 * (an injected <style> would break the page's Content-Security-Policy).
 */
async function shootElement(locator, name) {
  mkdirSync(shotDir, { recursive: true });
  const bar = locator.page().locator('section[aria-label="Sentence and playback"]');
  await bar.evaluate((el) => el.style.setProperty('position', 'static'));
  try {
    await locator.screenshot({ path: path.join(shotDir, `${name}.png`) });
  } finally {
    await bar.evaluate((el) => el.style.removeProperty('position'));
  }
}

/** The "Training progress" table's body rows as arrays of cell texts. */
async function progressRows(panel) {
  return panel.getByRole('table', { name: 'Training progress' }).evaluate((el) =>
    Array.from(el.querySelectorAll('tbody tr')).map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => c.textContent.trim())),
  );
}

/** The text of the value under a label in the panel's numbers (Step, Status, Accuracy on held-out examples). */
async function number(panel, label) {
  return panel.locator('dl.train-numbers dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').textContent();
}

test('training a small model moves the curve, pauses, resumes, drives the visualizer and downloads a model file', async ({ page, screenshot }) => {
  await page.goto('./');
  // The Train panel is not part of the default page; the header button opens it.
  assert.equal(await page.getByRole('region', { name: 'Train' }).count(), 0);
  const toggle = page.getByRole('button', { name: 'Train a model' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  const panel = page.getByRole('region', { name: 'Train' });
  await panel.waitFor();

  await panel.getByRole('combobox', { name: 'Task' }).selectOption('long-range');
  await panel.getByRole('combobox', { name: 'Cell' }).selectOption('lstm');
  await panel.getByRole('combobox', { name: 'Hidden size' }).selectOption('8');
  // Long enough that Pause lands mid-run on a busy machine.
  await panel.getByRole('spinbutton', { name: 'Steps' }).fill('3000');
  await panel.getByText('Show training progress as a table').click();
  await panel.getByRole('button', { name: 'Start' }).click();

  // The curve moves: rows arrive and the loss changes between them.
  const early = await poll(async () => {
    const rows = await progressRows(panel);
    assert.ok(rows.length >= 4, `${rows.length} rows so far`);
    return rows;
  }, { timeout: 20_000 });
  assert.equal(early[0][0], '0', 'the first row is step 0');
  const losses = early.map((r) => Number(r[1]));
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(new Set(losses).size > 1, `the loss changes: ${losses}`);
  assert.match(await number(panel, 'Accuracy on held-out examples'), /^\d+\.\d%$/);
  await shootElement(panel, 'train-running');

  // Pause: the visualizer gets the weights training stopped at, and the step stops moving.
  await panel.getByRole('button', { name: 'Pause' }).click();
  assert.equal(await number(panel, 'Status'), 'paused');
  const badge = page.locator('.model-picker .badge');
  const stepNow = async () => Number((await number(panel, 'Step')).split(' ')[0]);
  // Messages the worker posted before it saw the pause may still land: wait until step and badge agree twice in a row.
  const pausedStep = await poll(async () => {
    const step = await stepNow();
    assert.match(await badge.textContent(), new RegExp(`^training: long-range LSTM step ${step}\\b`));
    await page.waitForTimeout(400);
    assert.equal(await stepNow(), step);
    return step;
  });
  const pausedRows = (await progressRows(panel)).length;
  await page.waitForTimeout(800);
  assert.equal(await stepNow(), pausedStep, 'no steps while paused');
  assert.equal((await progressRows(panel)).length, pausedRows, 'no rows while paused');
  assert.match(await badge.textContent(), new RegExp(`step ${pausedStep}\\b`));
  assert.equal(await page.getByRole('radio', { name: 'LSTM' }).isChecked(), true);
  const gradientRows = await page.getByRole('region', { name: 'Gradient flow' }).getByRole('table', { name: 'Gradient norms' }).locator('tbody tr').count();
  assert.ok(gradientRows > 10, `the gradient view runs the long-range sentence (${gradientRows} tokens)`);
  await shootElement(panel, 'train-paused');
  await screenshot('train-paused-page');

  // Resume: steps move again and the visualizer follows.
  await panel.getByRole('button', { name: 'Resume' }).click();
  await poll(async () => {
    const step = Number((await number(panel, 'Step')).split(' ')[0]);
    assert.ok(step > pausedStep + 20, `step ${step} after resuming from ${pausedStep}`);
  }, { timeout: 20_000 });
  await poll(async () => {
    const m = /step (\d+)/.exec(await badge.textContent());
    assert.ok(m && Number(m[1]) > pausedStep, `badge ${await badge.textContent()}`);
  });

  // Download the current model and read it as a gatescope model file.
  await panel.getByRole('button', { name: 'Pause' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download model' }).click()]);
  assert.match(download.suggestedFilename(), /^gatescope-long-range-lstm-step-\d+\.json$/);
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(file.format, 'gatescope/model@1');
  assert.equal(file.layout, 'pytorch');
  assert.equal(file.cell, 'lstm');
  assert.equal(file.hiddenSize, 8);
  assert.equal(file.weights.weight_hh.length, 4 * 8, 'weight_hh has 4H rows');
  assert.ok(file.weights.weight_hh.every((row) => row.length === 8 && row.every(Number.isFinite)));
  assert.deepEqual(file.head.labels, ['starts with a', 'starts with b']);
  assert.equal(file.tokenizer.kind, 'char');
  assert.equal(file.embedding.length, file.tokenizer.vocab.length);

  // Reset clears the run; the page keeps working.
  await panel.getByRole('button', { name: 'Reset' }).click();
  assert.equal(await number(panel, 'Status'), 'not started');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await panel.scrollIntoViewIfNeeded();
  await screenshot('train-after-reset');
}, { timeout: 120_000 });

test('a short run finishes with a held-out accuracy and a verdict', async ({ page, screenshot }) => {
  await page.goto('./#panels=train,prediction,gradient');
  const panel = page.getByRole('region', { name: 'Train' });
  await panel.waitFor();
  await panel.getByRole('combobox', { name: 'Task' }).selectOption('brackets');
  await panel.getByRole('combobox', { name: 'Cell' }).selectOption('gru');
  await panel.getByRole('spinbutton', { name: 'Steps' }).fill('150');
  await panel.getByRole('button', { name: 'Start' }).click();
  await poll(async () => assert.equal(await number(panel, 'Status'), 'finished'), { timeout: 60_000 });
  const accuracy = await number(panel, 'Accuracy on held-out examples');
  assert.match(accuracy, /^\d+\.\d%$/);
  assert.match(await panel.locator('.train-verdict').textContent(), new RegExp(`^GRU after 150 steps: ${accuracy.replace('.', '\\.')} on held-out examples`));
  assert.match(await page.locator('.model-picker .badge').textContent(), /^training: brackets GRU step 150/);
  assert.match(await panel.getByRole('img', { name: /^Training curve: loss went from/ }).getAttribute('aria-label'), /at step 150/);
  await shootElement(panel, 'train-finished');
  await screenshot('train-finished-page');
}, { timeout: 90_000 });

test('the Train panel fits a 360 px phone in dark mode', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('./#panels=train,prediction');
  const panel = page.getByRole('region', { name: 'Train' });
  await panel.waitFor();
  await panel.getByRole('combobox', { name: 'Task' }).selectOption('brackets');
  await panel.getByRole('spinbutton', { name: 'Steps' }).fill('60');
  await panel.getByRole('button', { name: 'Start' }).click();
  await poll(async () => assert.equal(await number(panel, 'Status'), 'finished'), { timeout: 60_000 });
  // Nothing in the panel is wider than the screen.
  const overflow = await panel.evaluate((el) => el.scrollWidth - el.clientWidth);
  assert.ok(overflow <= 1, `the panel overflows by ${overflow} px`);
  await shootElement(panel, 'train-phone-dark');
}, { timeout: 90_000 });

test('two cells trained one after the other stay side by side: both curves, their legend, verdicts and table', async ({ page, screenshot }) => {
  await page.goto('./#panels=train,prediction');
  const panel = page.getByRole('region', { name: 'Train' });
  await panel.waitFor();
  const runOnce = async (cell, steps) => {
    await panel.getByRole('combobox', { name: 'Task' }).selectOption('long-range');
    await panel.getByRole('combobox', { name: 'Cell' }).selectOption(cell);
    await panel.getByRole('combobox', { name: 'Hidden size' }).selectOption('8');
    await panel.getByRole('spinbutton', { name: 'Steps' }).fill(String(steps));
    await panel.getByRole('button', { name: 'Start' }).click();
    await poll(async () => assert.equal(await number(panel, 'Status'), 'finished'), { timeout: 60_000 });
  };
  await runOnce('lstm', 60);
  const lstmAccuracy = await number(panel, 'Accuracy on held-out examples');
  await runOnce('rnn', 40);
  const rnnAccuracy = await number(panel, 'Accuracy on held-out examples');

  const legend = panel.getByRole('list', { name: 'Runs on the chart' });
  assert.deepEqual(await legend.getByRole('listitem').allTextContents(), [
    'Run 1: LSTM, long-range, hidden 8 (circle markers)',
    'Run 2: RNN, long-range, hidden 8 (square markers)',
  ]);
  // Both curves are drawn, each with its own dash and marker.
  const chart = panel.getByRole('img', { name: /^Training curve: / });
  const curves = await chart.evaluate((svg) =>
    Array.from(svg.querySelectorAll('path.train-loss'), (p) => ({
      run: p.dataset.run,
      dash: p.getAttribute('stroke-dasharray'),
      length: p.getTotalLength(),
      markers: Array.from(svg.querySelectorAll(`g.train-accuracy-run[data-run="${p.dataset.run}"] path.train-marker`), (m) => m.getAttribute('d')),
    })),
  );
  assert.deepEqual(curves.map((c) => c.run), ['1', '2']);
  assert.ok(curves.every((c) => c.length > 20), `both loss curves are drawn: ${curves.map((c) => c.length)}`);
  assert.notEqual(curves[0].dash, curves[1].dash);
  assert.ok(curves.every((c) => c.markers.length >= 2), 'each run has its held-out measurements marked');
  assert.notEqual(curves[0].markers[0], curves[1].markers[0]);
  // Each verdict quotes its own run's last held-out accuracy.
  assert.match(await panel.getByRole('list', { name: 'Earlier runs' }).textContent(), new RegExp(`^Run 1: LSTM, long-range, hidden 8\\. LSTM after 60 steps: ${lstmAccuracy.replace('.', '\\.')} on held-out examples`));
  assert.match(await panel.locator('.train-verdict').textContent(), new RegExp(`^RNN after 40 steps: ${rnnAccuracy.replace('.', '\\.')} on held-out examples`));

  // The table has every run's rows, and each run's last held-out accuracy is the one its verdict says.
  await panel.getByText('Show every run’s curve as a table').click();
  const rows = await panel.getByRole('table', { name: 'Every run’s loss and accuracy by step' }).evaluate((el) =>
    Array.from(el.querySelectorAll('tbody tr'), (r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent.trim())),
  );
  const of = (label) => rows.filter((r) => r[0] === label);
  const lstmRows = of('Run 1: LSTM, long-range, hidden 8');
  const rnnRows = of('Run 2: RNN, long-range, hidden 8');
  assert.equal(lstmRows.length + rnnRows.length, rows.length);
  assert.equal(lstmRows.at(-1)[1], '60');
  assert.equal(rnnRows.at(-1)[1], '40');
  assert.equal(lstmRows.filter((r) => r[4] !== '').at(-1)[4], lstmAccuracy);
  assert.equal(rnnRows.filter((r) => r[4] !== '').at(-1)[4], rnnAccuracy);
  await shootElement(panel, 'train-two-runs');
  await screenshot('train-two-runs-page');

  await panel.getByRole('button', { name: 'Clear curves' }).click();
  assert.equal(await panel.getByRole('list', { name: 'Runs on the chart' }).count(), 0);
  assert.equal(await panel.getByRole('img', { name: 'Training curve: no training yet.' }).count(), 1);
}, { timeout: 150_000 });
