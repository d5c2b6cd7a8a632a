// The visualizer driven as a student would: type, step with buttons and keys, switch cells,
// select a unit on a heatmap, and reload or go back to the same view through the URL hash.
import { assert, poll, test } from './harness.mjs';

const SENTENCE = 'the acting was not bad at all';

async function liveText(page) {
  return (await page.locator('.live-region').textContent())?.trim() ?? '';
}

async function expectLive(page, pattern) {
  await poll(async () => assert.match(await liveText(page), pattern));
}

async function heatmapNames(page) {
  return page.locator('section.heatmap-region h3').allTextContents();
}

test('typing a sentence and stepping with buttons and keys moves the current token and the announcement', async ({ page, screenshot }) => {
  await page.goto('./');
  const box = page.getByRole('textbox', { name: 'Sentence' });
  await box.fill(SENTENCE);
  const chips = page.getByRole('list', { name: 'Tokens' }).getByRole('button');
  await poll(async () => assert.equal(await chips.count(), 7));
  await expectLive(page, /^Step 1 of 7: 'the'\. Prediction: \S+ \d+%\.$/);

  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expectLive(page, /^Step 3 of 7: 'was'\./);
  await page.getByRole('button', { name: 'Step back', exact: true }).click();
  await expectLive(page, /^Step 2 of 7: 'acting'\./);
  assert.equal(await chips.nth(1).getAttribute('aria-current'), 'step');

  // Keys work once focus leaves the text box, and not while typing in it.
  await box.press('ArrowRight');
  await expectLive(page, /^Step 2 of 7/);
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('ArrowRight');
  await expectLive(page, /^Step 3 of 7: 'was'/);
  await page.keyboard.press('End');
  await expectLive(page, /^Step 7 of 7: 'all'/);
  await page.keyboard.press('ArrowRight');
  await expectLive(page, /^Step 7 of 7/);
  await page.keyboard.press('Home');
  await expectLive(page, /^Step 1 of 7/);
  await page.keyboard.press('ArrowLeft');
  await expectLive(page, /^Step 1 of 7/);

  const slider = page.getByRole('slider', { name: 'Time step' });
  await slider.fill('3');
  await expectLive(page, /^Step 4 of 7: 'not'/);

  // Clicking a token goes there.
  await chips.nth(4).click();
  await expectLive(page, /^Step 5 of 7: 'bad'/);

  // Space plays from the page; the button reads Pause while playing.
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Home');
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
  await expectLive(page, /^Step [3-7] of 7/);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expectLive(page, /^Step 1 of 7/);

  // Unknown words are marked.
  await box.fill('the qwxyz was good');
  const unknown = page.getByRole('list', { name: 'Tokens' }).getByRole('button', { name: 'qwxyz' });
  assert.match(await unknown.getAttribute('title'), /^not in vocabulary/);
  assert.match(await unknown.evaluate((el) => getComputedStyle(el).textDecorationStyle), /dotted/);
  await screenshot('visualizer-typed');
});

test('switching cells keeps the sentence and shows that cell\'s heatmaps', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('textbox', { name: 'Sentence' }).fill(SENTENCE);
  const cell = page.getByRole('radiogroup', { name: 'Cell' });
  await poll(async () => assert.deepEqual(await heatmapNames(page), ['Hidden state h', 'Cell state c', 'Input gate i', 'Forget gate f', 'Candidate g', 'Output gate o']));
  for (const name of ['Hidden state h', 'Cell state c', 'Forget gate f']) {
    await page.getByRole('region', { name, exact: true }).waitFor();
  }
  await cell.getByRole('radio', { name: 'GRU' }).check();
  await poll(async () => assert.deepEqual(await heatmapNames(page), ['Hidden state h', 'Reset gate r', 'Update gate z', 'Candidate n']));
  await page.getByRole('region', { name: 'Update gate z' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), SENTENCE);
  await cell.getByRole('radio', { name: 'RNN' }).check();
  await poll(async () => assert.deepEqual(await heatmapNames(page), ['Hidden state h']));
  assert.equal(await page.getByRole('list', { name: 'Tokens' }).getByRole('button').count(), 7);

  // Back undoes the cell switch (a history entry), forward redoes it.
  await page.goBack();
  await poll(async () => assert.equal(await cell.getByRole('radio', { name: 'GRU' }).isChecked(), true));
  await page.goForward();
  await poll(async () => assert.equal(await cell.getByRole('radio', { name: 'RNN' }).isChecked(), true));
});

test('clicking a heatmap cell selects that unit and jumps to that step, and a reload restores the view', async ({ page, screenshot }) => {
  await page.goto('./');
  await page.getByRole('textbox', { name: 'Sentence' }).fill(SENTENCE);
  await page.getByRole('radiogroup', { name: 'Cell' }).getByRole('radio', { name: 'LSTM' }).check();
  const region = page.getByRole('region', { name: 'Forget gate f' });
  const hit = region.locator('rect.hit');
  await hit.scrollIntoViewIfNeeded();
  const b = await hit.boundingBox();
  assert.ok(b, 'the heatmap has a hit area');
  const H = Number(await page.getByRole('spinbutton', { name: 'Selected unit' }).getAttribute('max')) + 1;
  const T = 7;
  // A point inside the cell of step 3 (index 2), unit 5, relative to the plot.
  const position = { x: ((2 + 0.5) / T) * b.width, y: ((5 + 0.5) / H) * b.height };

  await hit.hover({ position });
  const tip = region.locator('.tooltip');
  await tip.waitFor();
  assert.match(await tip.textContent(), /unit 5 · “was” \(step 3\)-?\d\.\d{4}/);
  await screenshot('visualizer-hover');
  await hit.click({ position });
  await expectLive(page, /^Step 3 of 7: 'was'/);
  assert.equal(await page.getByRole('spinbutton', { name: 'Selected unit' }).inputValue(), '5');
  // The text alternative lists the current column with the selected unit marked.
  await region.getByText('Show values at this step').click();
  const table = region.getByRole('table');
  assert.equal(await table.getByRole('row').count(), H + 1);
  assert.match(await table.locator('tr.selected').textContent(), /^5-?\d\.\d{4}$/);

  await poll(async () => {
    const hash = await page.evaluate(() => window.location.hash);
    assert.match(hash, /step=2&unit=5/);
    assert.match(hash, /sentence=the%20acting%20was%20not%20bad%20at%20all/);
  });
  await page.reload();
  await expectLive(page, /^Step 3 of 7: 'was'/);
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), SENTENCE);
  assert.equal(await page.getByRole('spinbutton', { name: 'Selected unit' }).inputValue(), '5');
  assert.equal(await page.getByRole('radio', { name: 'LSTM' }).isChecked(), true);
});

test('a hand-written link with bad values shows the problems and falls back to defaults', async ({ page }) => {
  await page.goto('./#sentence=not%20bad&cell=transformer&step=1&zoom=2');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /cell: expected one of rnn, lstm, gru/);
  assert.match(await alert.textContent(), /unknown setting "zoom"/);
  assert.equal(await page.getByRole('radio', { name: 'LSTM' }).isChecked(), true);
  await expectLive(page, /^Step 2 of 2: 'bad'/);
});

test('the page lays out at 1280 px, at 360 px and in dark mode', async ({ page, screenshot }) => {
  await page.goto('./#sentence=i%20expected%20it%20to%20be%20bad%20but%20it%20was%20wonderful&step=7&unit=3');
  await expectLive(page, /^Step 8 of 10: 'it'/);
  await screenshot('visualizer-1280');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow} px)`);
  await screenshot('visualizer-360');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(200);
  await screenshot('visualizer-dark');
});

test('a trained model from models/index.json is loaded, labelled, and stood in for by random weights where a cell is missing', async ({ page }) => {
  const { readFile } = await import('node:fs/promises');
  const fixture = (name) => readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
  const index = {
    models: [
      { id: 'fx-lstm', file: 'fx-lstm.json', task: 'fixture', cell: 'lstm', testAccuracy: 0.75, description: 'a fixture', sentence: 'i loved the movie' },
      { id: 'fx-gru', file: 'fx-gru.json', task: 'fixture', cell: 'gru', testAccuracy: 0.5, description: 'a fixture', sentence: 'i loved the movie' },
    ],
  };
  const files = { 'index.json': JSON.stringify(index), 'fx-lstm.json': await fixture('lstm-pytorch.json'), 'fx-gru.json': await fixture('gru-keras.json') };
  await page.route('**/models/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    if (name in files) return route.fulfill({ status: 200, contentType: 'application/json', body: files[name] });
    return route.fulfill({ status: 404, body: 'missing' });
  });
  await page.goto('./#model=fixture&cell=lstm');
  const badge = page.locator('.model-picker .badge');
  await poll(async () => assert.equal(await badge.textContent(), 'fixture LSTM, trained, test accuracy 75%'));
  assert.equal(await page.getByRole('combobox', { name: 'Model' }).inputValue(), 'fixture');
  // The link named no sentence, so the task's example sentence is shown.
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), 'i loved the movie');
  assert.equal(await page.getByRole('spinbutton', { name: 'Selected unit' }).getAttribute('max'), '4');
  await expectLive(page, /^Step 1 of 4: 'i'\./);

  await page.getByRole('radio', { name: 'GRU' }).check();
  await poll(async () => assert.match(await badge.textContent(), /^fixture GRU, trained/));
  await page.getByRole('radio', { name: 'RNN' }).check();
  await poll(async () => assert.equal(await badge.textContent(), 'random weights (untrained)'));
  assert.match(await page.locator('.model-notice').textContent(), /no trained RNN for "fixture"/);
  // The stand-in keeps the task's vocabulary and sizes.
  assert.equal(await page.getByRole('spinbutton', { name: 'Selected unit' }).getAttribute('max'), '4');
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), 'i loved the movie');
});
