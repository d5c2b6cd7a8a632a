// Failures that happen in real browsers, each contained: a panel whose drawing throws (a canvas out
// of memory), a broken model catalogue or model file, storage that is full, blocked or holds
// garbage, and a training worker that crashes. The rest of the page keeps working, and the last
// session comes back after a reload of a bare link.
import { assert, poll, test } from './harness.mjs';

const live = (page) => page.locator('.live-region');
const expectLive = (page, pattern) => poll(async () => assert.match((await live(page).textContent()) ?? '', pattern));

test('a panel whose canvas fails shows the problem and a reset, keeps the sentence, and the rest works', async ({ page, screenshot, allowConsoleError }) => {
  // React reports an error its boundary caught with console.error; that one is expected here.
  allowConsoleError(/canvas out of memory \(simulated\)/);
  // A browser out of canvas memory throws from createImageData; the heatmaps draw with it.
  await page.addInitScript(() => {
    const real = CanvasRenderingContext2D.prototype.createImageData;
    window.__canvasFails = true;
    CanvasRenderingContext2D.prototype.createImageData = function (...args) {
      if (window.__canvasFails) throw new Error('canvas out of memory (simulated)');
      return real.apply(this, args);
    };
  });
  await page.goto('./#sentence=the%20acting%20was%20not%20bad&step=1');
  const heatmaps = page.getByRole('region', { name: 'Heatmaps over time' });
  const alert = heatmaps.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /This panel ran into a problem and stopped: canvas out of memory \(simulated\)\. The rest of the page still works\./);
  // Everything else works: stepping, the other panels, the sentence.
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('ArrowRight');
  await expectLive(page, /^Step 3 of 5: 'was'/);
  // The heatmaps draw on canvases; the panels without one are untouched.
  const failed = await page.locator('section.panel:has(.panel-error) h2').allTextContents();
  assert.deepEqual(failed, ['Heatmaps over time']);
  await page.getByRole('region', { name: 'Gradient flow' }).getByRole('table', { name: 'Gradient norms' }).waitFor();
  await screenshot('failures-panel-error');

  // Once the cause is gone, Reset panel brings the maps back with the same sentence.
  await page.evaluate(() => (window.__canvasFails = false));
  await heatmaps.getByRole('button', { name: 'Reset panel' }).click();
  await heatmaps.getByRole('region', { name: 'Hidden state h' }).waitFor();
  assert.equal(await page.locator('.panel-error').count(), 0, 'no panel is left in error');
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), 'the acting was not bad');
  await expectLive(page, /^Step 3 of 5: 'was'/);
});

test('a broken catalogue or model file leaves random weights with a notice and everything else working', async ({ page, allowConsoleError }) => {
  // The browser itself logs the 404 of a missing catalogue.
  allowConsoleError(/Failed to load resource: the server responded with a status of 404/);
  const cases = [
    { name: 'index.json is not JSON', files: { 'index.json': '{"models": [' }, notice: /No trained models are available/, problem: /models\/index\.json is not valid JSON/ },
    { name: 'index.json is missing', files: {}, notice: /No trained models are available/, problem: /models\/index\.json could not be loaded \(HTTP 404\)/ },
    {
      name: 'a model file is garbage',
      files: {
        'index.json': JSON.stringify({ models: [{ id: 'bad', file: 'bad.json', task: 'sentiment', cell: 'lstm', testAccuracy: 0.9, description: '', sentence: 'not bad' }] }),
        'bad.json': '{"format": "gatescope/model@1", "cell": "lstm", "weights": [[[[[',
      },
      notice: /The trained LSTM could not be loaded \(\(json\): not valid JSON/,
    },
    {
      name: 'a model file has NaN weights',
      files: {
        'index.json': JSON.stringify({ models: [{ id: 'bad', file: 'bad.json', task: 'sentiment', cell: 'lstm', testAccuracy: 0.9, description: '', sentence: 'not bad' }] }),
        'bad.json': '{"format":"gatescope/model@1","cell":"lstm","layout":"pytorch","inputSize":1,"hiddenSize":1,"weights":{"weight_ih":[[NaN]]}}',
      },
      notice: /The trained LSTM could not be loaded/,
    },
  ];
  for (const c of cases) {
    await page.unrouteAll();
    await page.route('**/models/*', (route) => {
      const file = new URL(route.request().url()).pathname.split('/').pop();
      if (file in c.files) return route.fulfill({ status: 200, contentType: 'application/json', body: c.files[file] });
      return route.fulfill({ status: 404, body: 'missing' });
    });
    await page.goto('about:blank');
    await page.goto('./#model=sentiment&cell=lstm&sentence=not%20bad%20at%20all');
    await poll(async () => assert.match(await page.locator('.model-notice').textContent(), c.notice), { timeout: 5000 });
    if (c.problem) {
      await page.locator('summary', { hasText: 'Model catalogue problems' }).click();
      assert.match(await page.locator('.library-problems').innerText(), c.problem);
    }
    assert.equal(await page.locator('.model-picker .badge').textContent(), 'random weights (untrained)', c.name);
    assert.equal(await page.locator('section.panel').count(), 6, `${c.name}: all panels shown`);
    assert.equal(await page.locator('.panel-error').count(), 0);
    await page.getByRole('button', { name: 'Step forward', exact: true }).click();
    await expectLive(page, /^Step 2 of 4: 'bad'/);
  }
});

test('the last sentence and settings come back when a bare link is opened again', async ({ page, baseURL }) => {
  await page.goto('./');
  await page.getByRole('textbox', { name: 'Sentence' }).fill('i expected it to be bad but it was wonderful');
  await page.getByRole('radio', { name: 'GRU' }).check();
  await page.getByRole('combobox', { name: 'Colour tokens by' }).selectOption('saliency');
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('End');
  await expectLive(page, /^Step 10 of 10: 'wonderful'/);
  await page.waitForTimeout(600);
  // A bare link (no hash), as a bookmark or a new tab would open it.
  await page.goto('about:blank');
  await page.goto(baseURL);
  await expectLive(page, /^Step 10 of 10: 'wonderful'/);
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), 'i expected it to be bad but it was wonderful');
  assert.equal(await page.getByRole('radio', { name: 'GRU' }).isChecked(), true);
  assert.equal(await page.getByRole('combobox', { name: 'Colour tokens by' }).inputValue(), 'saliency');
  assert.equal(await page.locator('.url-problems').count(), 0);

  // A link with a hash wins over the stored session.
  await page.goto('about:blank');
  await page.goto(`${baseURL}#sentence=not%20bad&cell=rnn`);
  await expectLive(page, /^Step 1 of 2: 'not'/);
  assert.equal(await page.getByRole('radio', { name: 'RNN' }).isChecked(), true);
});

test('garbage, blocked or full storage never stops the page', async ({ page, baseURL }) => {
  // Garbage in the stored session: ignored and removed.
  await page.goto('./');
  await page.evaluate(() => localStorage.setItem('gatescope:session', '{"v":1,"hash":{"__proto__":{"polluted":1}}'));
  await page.goto('about:blank');
  await page.goto(baseURL);
  await expectLive(page, /^Step 1 of \d+:/);
  // The garbage was dropped; whatever is stored now is a well-formed session.
  await page.waitForTimeout(600);
  const stored = await page.evaluate(() => localStorage.getItem('gatescope:session'));
  if (stored !== null) assert.equal(typeof JSON.parse(stored).hash, 'string');
  assert.equal(await page.evaluate(() => ({}).polluted), undefined);

  // Every storage call throws (blocked cookies, a sandboxed frame): the page runs and remembers nothing.
  await page.addInitScript(() => {
    const refuse = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    Storage.prototype.setItem = refuse;
    Storage.prototype.getItem = refuse;
    Storage.prototype.removeItem = refuse;
  });
  await page.goto('about:blank');
  await page.goto(baseURL);
  await page.getByRole('textbox', { name: 'Sentence' }).fill('still works');
  await expectLive(page, /^Step 1 of 2: 'still'/);
  await page.waitForTimeout(600);
  await page.goto('about:blank');
  await page.goto(baseURL);
  await expectLive(page, /^Step 1 of \d+:/);
});

test('a training worker that crashes shows an error in the Train panel and leaves the rest working', async ({ page }) => {
  // A worker that fails to start, as with a blocked or broken worker script.
  await page.addInitScript(() => {
    window.Worker = class {
      constructor() {
        setTimeout(() => this.onerror?.({ message: 'simulated worker crash' }), 50);
      }
      postMessage() {}
      terminate() {}
      addEventListener() {}
      removeEventListener() {}
    };
  });
  await page.goto('./#sentence=not%20bad%20at%20all');
  const toggle = page.getByRole('button', { name: 'Train a model' });
  if ((await toggle.count()) === 0) return; // no Train panel in this build
  await toggle.click();
  const panel = page.getByRole('region', { name: 'Train', exact: true });
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await poll(async () => assert.match(await panel.getByRole('alert').textContent(), /worker/i));
  assert.equal(await page.locator('.panel-error').count(), 0, 'no panel crashed');
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('ArrowRight');
  await expectLive(page, /^Step 2 of 4: 'bad'/);
  await page.getByRole('textbox', { name: 'Sentence' }).fill('it was good');
  await expectLive(page, /^Step \d of 3: /);
});
