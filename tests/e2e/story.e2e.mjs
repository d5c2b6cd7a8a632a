// Browser tests of the first screen's story: the RNN / LSTM / GRU gradient at the first word, read
// from the story's own table, checked against the sentence the page says and the fold.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, poll, test } from './harness.mjs';

const shotDir = path.resolve(fileURLToPath(new URL('../../test-results/screenshots', import.meta.url)));

/** Saves what the viewport shows, without scrolling: the first screen as the student sees it. */
async function shootViewport(page, name) {
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
}

/** The story's table at the first word as { 'rnn-h': 4.2e-8, 'lstm-h': ..., 'lstm-c': ..., 'gru-h': ... }. */
async function readStoryTable(page) {
  const table = page.getByRole('table', { name: /At the first word/ });
  const rows = await table.evaluate((el) =>
    Array.from(el.querySelectorAll('tbody tr')).map((r) => [r.getAttribute('data-key'), r.querySelector('.story-value').textContent.trim()]),
  );
  return Object.fromEntries(rows.map(([k, v]) => [k, Number(v)]));
}

/** The power of ten nearest to x, as a reader of the table would round it. */
const decade = (x) => Math.round(Math.log10(x)) || 0;

/** Loads the default page and waits for the catalogue's sentence and the story's three cells. */
async function openDefault(page) {
  await page.goto('./');
  await poll(async () => assert.match(await page.getByLabel('Sentence', { exact: true }).inputValue(), /acting was not bad/));
  return poll(async () => {
    const t = await readStoryTable(page);
    assert.deepEqual(Object.keys(t).sort(), ['gru-h', 'lstm-c', 'lstm-h', 'rnn-h']);
    return t;
  });
}

/** Asserts the sentence of what to notice says exactly the powers of ten the table shows. */
async function assertNoticeMatches(page, t) {
  const notice = await page.getByTestId('story-notice').textContent();
  assert.ok(notice.includes(`the RNN's gradient is 10^${decade(t['rnn-h'])} of the last token's`), notice);
  assert.ok(notice.includes(`the LSTM's 10^${decade(t['lstm-h'])}`), notice);
  assert.ok(notice.includes(`the GRU's 10^${decade(t['gru-h'])}`), notice);
  const gap = decade(t['lstm-h'] / t['rnn-h']);
  if (gap >= 2) assert.ok(notice.includes(`The RNN's is about 10^${gap} times smaller than the LSTM's.`), notice);
  else assert.ok(!notice.includes('times smaller than the LSTM'), notice);
  return notice;
}

test('the first screen shows the RNN gradient at the first word at least 100x below the LSTM one, above the fold, in words that match its table', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const t = await openDefault(page);
  assert.ok(t['rnn-h'] <= t['lstm-h'] / 100, `RNN ${t['rnn-h']} <= LSTM ${t['lstm-h']} / 100`);
  await assertNoticeMatches(page, t);
  const setting = await page.locator('.story-setting').textContent();
  assert.match(setting, /As training starts: .*forget bias \+2.*padded .* to 48 tokens/);
  // The whole story, chart and table included, sits within the first 800 px without scrolling.
  const box = await page.getByRole('region', { name: 'How far back does the gradient reach?' }).boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= 800, `story box ${JSON.stringify(box)} within 800 px`);
  await shootViewport(page, 'story-1280x800');

  // After training: the shipped sentiment models, stated on screen, with words that match its own table.
  await page.getByRole('radio', { name: 'After training' }).check();
  const trained = await poll(async () => {
    assert.match(await page.locator('.story-setting').textContent(), /After training: the shipped sentiment models/);
    return readStoryTable(page);
  });
  await assertNoticeMatches(page, trained);
  await shootViewport(page, 'story-trained-1280x800');
});

test('the story comes first on a phone and in dark mode keeps its words true to its table', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const t = await openDefault(page);
  await assertNoticeMatches(page, t);
  const story = await page.getByRole('region', { name: 'How far back does the gradient reach?' }).boundingBox();
  const firstPanel = await page.locator('main.panels > *').first().boundingBox();
  assert.ok(story && firstPanel && story.y < firstPanel.y, 'the story is above the first panel');
  await shootViewport(page, 'story-390x844');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await shootViewport(page, 'story-dark-1280x800');
});

test('the "why" chart shows the product of Jacobians back from the last token with a caption made from it', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('./#model=long-range&cell=rnn');
  const heading = page.getByRole('heading', { name: /What decides it: the product back from the last token \(RNN\)/ });
  await heading.scrollIntoViewIfNeeded();
  const caption = await poll(async () => {
    const text = await page.getByTestId('why-caption').textContent();
    assert.match(text, /\|\|dh_T\/dh_t\|\|, is about 10\^-\d+/);
    return text;
  });
  // The table under the chart holds the numbers the caption names, at the first token.
  const table = page.getByRole('table', { name: 'Products back from the last token' });
  const first = await table.evaluate((el) => Array.from(el.querySelectorAll('tbody tr')[0].querySelectorAll('td')).map((c) => c.textContent.trim()));
  const [product, gradient] = first.map(Number);
  const [p, q] = [...caption.matchAll(/about 10\^(-?\d+)/g)].map((m) => Number(m[1]));
  assert.ok(Math.abs(Math.log10(product) - p) <= 0.5 + 0.05, `${caption} names the product ${product}`);
  assert.ok(Math.abs(Math.log10(gradient) - q) <= 0.5 + 0.05, `${caption} names the gradient ${gradient}`);
  assert.ok(gradient <= product * 1.01, `gradient ${gradient} <= product ${product}`);
  await heading.evaluate((el) => el.parentElement.scrollIntoView());
  mkdirSync(shotDir, { recursive: true });
  await page.getByRole('heading', { name: /What decides it/ }).locator('..').screenshot({ path: path.join(shotDir, 'why-product-rnn.png') });
});
