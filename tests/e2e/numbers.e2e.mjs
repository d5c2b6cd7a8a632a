// Exploding, vanishing and non-finite numbers in every panel: the extreme knobs a URL can set, and
// a catalogue model whose weights overflow float64. Every view must show "overflow" (or a
// number), never "NaN"/"Infinity"/"undefined" text, and no chart may crash.
import { readFile } from 'node:fs/promises';
import { assert, poll, test } from './harness.mjs';

const LONG = Array.from({ length: 40 }, (_, i) => ['the', 'movie', 'was', 'not', 'good', 'but', 'really', 'boring'][i % 8]).join(' ');

/** The page's text with every <details> opened, so tables and hidden summaries count too. */
async function fullText(page) {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  // Tables render on the toggle event, which fires after the open attribute changes.
  await page.waitForTimeout(150);
  return page.evaluate(() => {
    const hidden = [...document.querySelectorAll('.visually-hidden')].map((el) => el.textContent).join('\n');
    const labels = [...document.querySelectorAll('[aria-label], [title], [aria-valuetext]')]
      .map((el) => [el.getAttribute('aria-label'), el.getAttribute('title'), el.getAttribute('aria-valuetext')].filter(Boolean).join(' '))
      .join('\n');
    return `${document.body.innerText}\n${hidden}\n${labels}`;
  });
}

/** Fails with the surrounding text when the page shows NaN, Infinity or "undefined". */
function assertNoBadNumbers(text, where) {
  const bad = /\bNaN\b|\bInfinity\b|\bundefined\b|\bnull\b/.exec(text);
  if (bad) {
    const around = text.slice(Math.max(0, bad.index - 80), bad.index + 40).replace(/\s+/g, ' ');
    assert.fail(`${where}: the page shows "${bad[0]}" in "...${around}..."`);
  }
}

/** Every panel the page can show, present and not replaced by its error message. */
async function assertPanelsAlive(page, where) {
  const errors = await page.locator('.panel-error').allTextContents();
  assert.deepEqual(errors, [], `${where}: no panel failed`);
  for (const name of ['Cell diagram', 'Prediction track', 'Heatmaps over time', 'Gradient flow', 'Knobs', 'Equations']) {
    assert.equal(await page.getByRole('region', { name, exact: true }).count(), 1, `${where}: the ${name} panel is shown`);
  }
}

/** Hovers the middle of the first heatmap, so its tooltip text is rendered too. */
async function hoverHeatmap(page) {
  const overlay = page.locator('section.heatmap-region svg rect.hit, section.heatmap-region svg').first();
  const box = await overlay.boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

const EXTREMES = [
  { name: 'recurrent scale 4 on a 200-token RNN', hash: `sentence=${encodeURIComponent(LONG)}&cell=rnn&scale=4&pad=200&step=199&color=saliency&compare=1` },
  { name: 'recurrent scale 4 on a 200-token LSTM with forget bias +10', hash: `sentence=${encodeURIComponent(LONG)}&cell=lstm&scale=4&fbias=10&pad=200&step=120&color=unit` },
  { name: 'recurrent scale 4 on a 200-token GRU with forget bias -10', hash: `sentence=${encodeURIComponent(LONG)}&cell=gru&scale=4&fbias=-10&pad=200&step=0&color=saliency` },
  { name: 'recurrent scale 0 (exact zero gradients) on an RNN', hash: `sentence=${encodeURIComponent(LONG)}&cell=rnn&scale=0&step=3&color=saliency&compare=1` },
  { name: 'random weights at scale 4, padded to 200, compare on', hash: `model=random&cell=lstm&scale=4&fbias=-10&pad=200&compare=1&color=saliency` },
];

for (const { name, hash } of EXTREMES) {
  test(`${name}: every panel shows numbers or "overflow", never NaN, and no chart crashes`, async ({ page, screenshot }) => {
    await page.goto(`./#${hash}`);
    await page.locator('.live-region').filter({ hasText: /^Step \d+ of \d+/ }).waitFor();
    // Let the trained models and the precise Jacobian norms arrive.
    await page.waitForTimeout(600);
    await page.locator('.equation-tex').first().waitFor();
    await hoverHeatmap(page);
    const text = await fullText(page);
    assertNoBadNumbers(text, name);
    await assertPanelsAlive(page, name);
    await screenshot(`numbers-${name}`);
  });
}

/** A model file whose weights are finite but whose products overflow: the forward pass gives Infinity and NaN. */
async function overflowingModel() {
  const file = JSON.parse(await readFile(new URL('../fixtures/lstm-pytorch.json', import.meta.url), 'utf8'));
  const blow = (v) => (Array.isArray(v) ? v.map(blow) : v * 1e200);
  file.embedding = blow(file.embedding);
  for (const k of Object.keys(file.weights)) file.weights[k] = blow(file.weights[k]);
  file.head.weight = blow(file.head.weight);
  return JSON.stringify(file);
}

test('a model whose numbers overflow float64 shows "overflow" in every panel, never NaN', async ({ page, screenshot }) => {
  const index = {
    models: [{ id: 'huge-lstm', file: 'huge-lstm.json', task: 'huge', cell: 'lstm', testAccuracy: null, description: 'overflows', sentence: 'the movie was not good' }],
  };
  const files = { 'index.json': JSON.stringify(index), 'huge-lstm.json': await overflowingModel() };
  await page.route('**/models/*', (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop();
    if (file in files) return route.fulfill({ status: 200, contentType: 'application/json', body: files[file] });
    return route.fulfill({ status: 404, body: 'missing' });
  });
  await page.goto('./#model=huge&cell=lstm&step=2&color=saliency&compare=1');
  await poll(async () => assert.match(await page.locator('.model-picker .badge').textContent(), /^huge LSTM, trained/));
  await page.waitForTimeout(600);
  await page.locator('.equation-tex').first().waitFor();
  await hoverHeatmap(page);
  const text = await fullText(page);
  assertNoBadNumbers(text, 'overflowing model');
  assert.match(text, /overflow/, 'the overflow is named');
  await assertPanelsAlive(page, 'overflowing model');
  for (const color of ['unit', 'none']) {
    await page.getByRole('combobox', { name: 'Colour tokens by' }).selectOption(color);
    assertNoBadNumbers(await fullText(page), `overflowing model, tokens coloured by ${color}`);
  }
  await screenshot('numbers-overflowing-model');
});
