// Embedding: the example course page (iframe + element) and slide page (two elements), the
// Share & embed dialog's snippets, loading your own model, and figure and data export.
import { assert, poll, test } from './harness.mjs';

/** The live announcement inside a page, frame or element (each renders the app's live region). */
async function live(scope) {
  return ((await scope.locator('.live-region').textContent()) ?? '').trim();
}

/** The model label of a <gate-scope> element (its store is a property of the element). */
function modelLabel(element) {
  return element.evaluate((el) => el.store.getState().modelInfo.label);
}

async function expectLive(scope, pattern) {
  await poll(async () => assert.match(await live(scope), pattern));
}

test('the course page shows the iframe and the element, each driven on its own, the iframe sized by its posted height', async ({ page, screenshot }) => {
  await page.goto('./examples/course.html');
  const frame = page.frameLocator('#gradient-frame');
  const element = page.locator('#diagram-element');

  await frame.getByRole('region', { name: 'Gradient flow' }).waitFor();
  await element.getByRole('region', { name: 'Cell diagram' }).waitFor();
  await expectLive(frame, /^Step 1 of 12: 'the'/);
  await expectLive(element, /^Step 4 of 12: 'not'/);
  // The element loads the shipped model from dist/models/, not from next to the course page.
  await poll(async () => assert.match(await modelLabel(element), /sentiment LSTM, trained/));

  await frame.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expectLive(frame, /^Step 2 of 12: 'acting'/);
  assert.match(await live(element), /^Step 4 of 12/, 'the element did not move with the iframe');
  await element.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expectLive(element, /^Step 5 of 12: 'bad'/);
  assert.match(await live(frame), /^Step 2 of 12/, 'the iframe did not move with the element');

  // hide= and panels= : the iframe shows only the gradient, without the model picker or the link;
  // the element shows the diagram and prediction, without cell and model pickers.
  assert.equal(await frame.getByRole('region', { name: 'Cell diagram' }).count(), 0);
  assert.equal(await frame.getByRole('combobox', { name: 'Model' }).count(), 0);
  assert.equal(await frame.getByRole('link', { name: /Open this view/ }).count(), 0);
  assert.equal(await frame.getByRole('radiogroup', { name: 'Cell' }).count(), 1);
  assert.equal(await element.getByRole('radiogroup', { name: 'Cell' }).count(), 0);
  assert.equal(await element.getByRole('combobox', { name: 'Model' }).count(), 0);
  assert.equal(await element.getByRole('region', { name: 'Gradient flow' }).count(), 0);
  assert.equal(await element.getByRole('region', { name: 'Prediction track' }).count(), 1);

  // The iframe posted its content height and the page's five-line listener applied it.
  await poll(async () => {
    const { styleHeight, contentHeight } = await page.evaluate(() => {
      const f = document.querySelector('#gradient-frame');
      return { styleHeight: f.style.height, contentHeight: Math.ceil(f.contentDocument.body.getBoundingClientRect().height) };
    });
    assert.equal(styleHeight, `${contentHeight}px`);
    assert.notEqual(styleHeight, '640px');
  });
  // Showing more content makes the iframe taller.
  const before = await page.locator('#gradient-frame').evaluate((f) => f.getBoundingClientRect().height);
  await frame.getByRole('checkbox', { name: 'Compare RNN, LSTM and GRU' }).check();
  await poll(async () => {
    const after = await page.locator('#gradient-frame').evaluate((f) => f.getBoundingClientRect().height);
    const inner = await page.locator('#gradient-frame').evaluate((f) => Math.ceil(f.contentDocument.body.getBoundingClientRect().height));
    assert.equal(Math.round(after), inner + 2 /* 1px border each side */);
    assert.ok(after !== before || inner === Math.round(before) - 2);
  });
  await page.waitForTimeout(300);
  await screenshot('embed-course-page');
});

test('two elements on the slide page keep their own sentence, step and keys', async ({ page, screenshot }) => {
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto('./examples/slides.html');
  const rnn = page.locator('#slide-rnn');
  const lstm = page.locator('#slide-lstm');
  await rnn.getByRole('region', { name: 'Gradient flow' }).waitFor();
  await lstm.getByRole('region', { name: 'Cell diagram' }).waitFor();
  await expectLive(rnn, /^Step 1 of 51: 'b'/);
  await expectLive(lstm, /^Step 1 of 12: '\('/);
  await poll(async () => assert.match(await modelLabel(lstm), /brackets LSTM, trained/));

  await rnn.getByRole('button', { name: 'Step forward', exact: true }).click();
  await rnn.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expectLive(rnn, /^Step 3 of 51: 'w'/);
  assert.match(await live(lstm), /^Step 1 of 12/);

  // Arrow keys step only the element that has focus, and nothing when focus is on the page.
  await lstm.getByRole('button', { name: 'Reset' }).focus();
  await page.keyboard.press('ArrowRight');
  await expectLive(lstm, /^Step 2 of 12: '\('/);
  assert.match(await live(rnn), /^Step 3 of 51/);
  await page.locator('#s1').click();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(200);
  assert.match(await live(rnn), /^Step 3 of 51/);
  assert.match(await live(lstm), /^Step 2 of 12/);
  // Typing in one element's sentence box does not step it (the key belongs to the text box).
  const box = lstm.getByRole('textbox', { name: 'Sentence' });
  await box.fill('(a)');
  await box.press('ArrowLeft');
  await expectLive(lstm, /^Step \d of 3/);

  // An attribute change updates that element only.
  await rnn.evaluate((el) => el.setAttribute('cell', 'gru'));
  await poll(async () => assert.equal(await rnn.getByRole('radio', { name: 'GRU' }).isChecked(), true));
  assert.equal(await lstm.getByRole('radio', { name: 'LSTM' }).isChecked(), true);
  await lstm.evaluate((el) => el.setAttribute('sentence', '(((a)))'));
  await expectLive(lstm, /of 7/);
  assert.match(await live(rnn), /of 51/);
  // Styles stay inside each element: the page's headings keep their own font.
  assert.equal(await page.locator('#s1').evaluate((h) => getComputedStyle(h).fontSize), '32px');
  // Each element is as wide as its slide's content box.
  for (const el of [rnn, lstm]) {
    const [own, parent] = await el.evaluate((e) => {
      const p = e.parentElement;
      const cs = getComputedStyle(p);
      return [e.getBoundingClientRect().width, p.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)];
    });
    assert.ok(Math.abs(own - parent) < 1, `element ${own}px wide in a ${parent}px slide`);
  }
  // Without an equations panel or training, neither KaTeX nor the trainer is fetched.
  assert.deepEqual(requested.filter((p) => /katex|train/i.test(p)), []);
  await page.waitForTimeout(300);
  await screenshot('embed-slides-page');
});

const SENTENCE = 'the acting was not bad';

/** The snippet text areas of the open Share dialog. */
async function snippets(dialog) {
  const value = (name) => dialog.getByRole('textbox', { name, exact: true }).inputValue();
  return { link: await value('Link'), iframe: await value('Iframe snippet'), element: await value('Element snippet') };
}

test('the Share & embed dialog gives a link, an iframe and an element that each restore the view', async ({ page, baseURL, screenshot }) => {
  await page.goto(`./#sentence=${encodeURIComponent(SENTENCE)}&cell=gru&model=sentiment&step=2&unit=3`);
  await poll(async () => assert.match(await page.locator('.badge').textContent(), /sentiment GRU, trained/));
  await expectLive(page, /^Step 3 of 5: 'was'/);

  await page.getByRole('button', { name: 'Share & embed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share & embed' });
  await dialog.waitFor();
  for (const name of ['Heatmaps over time', 'Equations', 'Knobs', 'Prediction track']) await dialog.getByRole('checkbox', { name }).uncheck();
  await dialog.getByRole('checkbox', { name: 'Sentence box' }).uncheck();
  await screenshot('embed-share-dialog');
  const { link, iframe, element } = await snippets(dialog);
  assert.ok(link.startsWith(baseURL), link);
  assert.match(iframe, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\.html#sentence=the%20acting%20was%20not%20bad&amp;cell=gru&amp;.*&amp;hide=sentence"/);

  // The modal dialog keeps focus inside it, and Escape closes it.
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement) || document.activeElement === document.body), 'focus stays in the dialog');
  }
  await page.keyboard.press('Escape');
  await poll(async () => assert.equal(await dialog.isVisible(), false));

  // The link: the full app on the same view, with the chosen panels.
  await page.goto(link);
  await expectLive(page, /^Step 3 of 5: 'was'/);
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), SENTENCE);
  assert.equal(await page.getByRole('radio', { name: 'GRU' }).isChecked(), true);
  assert.equal(await page.getByRole('region', { name: 'Heatmaps over time' }).count(), 0);
  await page.getByRole('region', { name: 'Gradient flow' }).waitFor();

  // The iframe snippet pasted into a page on this site (a course page: no Content-Security-Policy).
  await page.goto('./examples/course.html');
  await page.setContent(`<!doctype html><title>iframe snippet</title><body>${iframe}</body>`);
  const frame = page.frameLocator('iframe');
  await expectLive(frame, /^Step 3 of 5: 'was'/);
  await poll(async () => assert.equal(await frame.getByRole('radio', { name: 'GRU' }).isChecked(), true));
  assert.equal(await frame.getByRole('textbox', { name: 'Sentence' }).count(), 0, 'the sentence box is hidden');
  await frame.getByRole('region', { name: 'Cell diagram' }).waitFor();
  assert.equal(await frame.getByRole('region', { name: 'Prediction track' }).count(), 0);

  // The element snippet pasted into a page on this site.
  await page.setContent(`<!doctype html><title>element snippet</title><body>${element}</body>`);
  const el = page.locator('gate-scope');
  await expectLive(el, /^Step 3 of 5: 'was'/);
  await poll(async () => assert.equal(await el.getByRole('radio', { name: 'GRU' }).isChecked(), true));
  assert.equal(await el.getByRole('textbox', { name: 'Sentence' }).count(), 0, 'the sentence box is hidden');
  assert.deepEqual(await el.evaluate((e) => { const s = e.store.getState(); return [s.sentence, s.unit, s.panels]; }), [SENTENCE, 3, ['diagram', 'gradient']]);
});

const FIXTURES = new URL('../fixtures/', import.meta.url);

test('Load model takes each layout, and a bad or huge file is refused inline without touching the view', async ({ page, screenshot }) => {
  await page.goto(`./#sentence=${encodeURIComponent('the movie was not good')}`);
  const badge = page.locator('.badge');
  await poll(async () => assert.match(await badge.textContent(), /sentiment LSTM, trained/));
  const input = page.getByLabel('Model file');
  for (const [file, cell] of [['gru-keras.json', 'GRU'], ['rnn-pytorch.json', 'RNN'], ['lstm-pytorch.json', 'LSTM']]) {
    await input.setInputFiles(new URL(file, FIXTURES).pathname);
    await poll(async () => assert.match(await badge.textContent(), new RegExp(`${file.replace('.', '\\.')} \\(${cell}, your model\\)`)));
    assert.equal(await page.getByRole('radio', { name: cell }).isChecked(), true);
  }
  await expectLive(page, /^Step 1 of 5: 'the'/);
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  const labelBefore = await badge.textContent();
  const liveBefore = await live(page);

  const broken = JSON.parse(await (await import('node:fs/promises')).readFile(new URL('lstm-pytorch.json', FIXTURES), 'utf8'));
  broken.weights.weight_hh = broken.weights.weight_hh.map((row) => row.slice(1));
  await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
  const alert = page.getByRole('alert').filter({ hasText: 'broken.json' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /the field weights\.weight_hh: expected 20 x 5 \(G\*H x H\), found 20 x 4/);
  assert.equal(await badge.textContent(), labelBefore);
  assert.equal(await live(page), liveBefore);
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), 'the movie was not good');
  await screenshot('embed-load-model-error');
  await alert.getByRole('button', { name: 'Dismiss' }).click();

  // 200 MB dropped onto the page: refused by its size before any reading, well within a second.
  await page.evaluate(() => { window.hugeFile = new File([new Uint8Array(200 * 1024 * 1024)], 'huge.json'); });
  const started = Date.now();
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(window.hugeFile);
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const huge = page.getByRole('alert').filter({ hasText: 'huge.json' });
  await huge.waitFor({ timeout: 1000 });
  assert.ok(Date.now() - started < 1000, `answered in ${Date.now() - started} ms`);
  assert.match(await huge.textContent(), /200\.0 MB, more than the limit of 20 MB/);
  assert.equal(await badge.textContent(), labelBefore);
});

test('model= in the link loads a same-site file and asks before another site', async ({ page, screenshot }) => {
  await page.goto(`./#model=./models/sentiment-gru.json&sentence=${encodeURIComponent('the plot was really boring')}&step=2`);
  const badge = page.locator('.badge');
  await poll(async () => assert.match(await badge.textContent(), /sentiment-gru\.json \(GRU, your model\)/));
  await expectLive(page, /^Step 3 of 5: 'was'/);
  // The hash keeps the path, so the link still loads the same model.
  await poll(async () => assert.match(page.url(), /model=\.\/models\/sentiment-gru\.json/));

  // A same-site file that is not a model: the inline error names the field.
  await page.goto('./#model=./models/index.json&sentence=not%20bad');
  const alert = page.getByRole('alert').filter({ hasText: 'index.json' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /the field format: expected "gatescope\/model@1" or "gatescope\/model@2", found no format tag/);
  await poll(async () => assert.match(page.url(), /model=sentiment/));
  assert.equal(await page.getByRole('textbox', { name: 'Sentence' }).inputValue(), 'not bad');

  // Another site: a dialog asks; "Don't load" refuses and nothing is fetched (the harness fails any non-loopback request).
  await page.goto('./#model=http://models.example.org/lstm.json');
  const ask = page.getByRole('dialog', { name: 'Load a model from another site?' });
  await ask.waitFor();
  assert.match(await ask.textContent(), /http:\/\/models\.example\.org\/lstm\.json/);
  await screenshot('embed-model-url-confirm');
  await ask.getByRole('button', { name: 'Don’t load' }).click();
  const refused = page.getByRole('alert').filter({ hasText: 'another site' });
  await refused.waitFor();
  assert.match(await refused.textContent(), /"http:\/\/models\.example\.org\/lstm\.json" is on another site/);
  await poll(async () => assert.match(page.url(), /model=sentiment/));

  // A protocol-relative address also asks; Escape means no.
  await page.goto('./');
  await page.goto('./#model=//models.example.org/lstm.json');
  await ask.waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('alert').filter({ hasText: 'another site' }).waitFor();
  assert.equal(await ask.isVisible(), false);
});

/** Clicks a button and returns the download it starts: its suggested name and bytes. */
async function download(page, button) {
  const what = await button.getAttribute('aria-label') ?? await button.textContent();
  const [dl] = await Promise.all([
    page.waitForEvent('download').catch(async (e) => {
      const status = await page.locator('.export-status').textContent().catch(() => '');
      throw new Error(`no download for "${what}" (status: "${status}"): ${e.message.split('\n')[0]}`);
    }),
    button.click(),
  ]);
  const fs = await import('node:fs/promises');
  return { name: dl.suggestedFilename(), bytes: await fs.readFile(await dl.path()) };
}

/** Walks two JSON values; numbers must agree to 1e-12 relative, everything else exactly. */
function assertSameNumbers(a, b, path = '$') {
  if (typeof a === 'number' && typeof b === 'number') {
    const tol = 1e-12 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;
    assert.ok(Math.abs(a - b) <= tol, `${path}: ${a} vs ${b}`);
    return;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length, `${path}: arrays differ in length`);
    a.forEach((v, i) => assertSameNumbers(v, b[i], `${path}[${i}]`));
    return;
  }
  if (a && typeof a === 'object') {
    assert.deepEqual(Object.keys(a), Object.keys(b), `${path}: keys`);
    for (const k of Object.keys(a)) assertSameNumbers(a[k], b[k], `${path}.${k}`);
    return;
  }
  assert.equal(a, b, path);
}

/** What `npm run trace` prints for a model file and text, run as its own process. */
async function traceCommand(modelPath, text) {
  const { execFileSync } = await import('node:child_process');
  const root = new URL('../../', import.meta.url).pathname;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/trace.ts', '--model', modelPath, '--text', text], { cwd: root, encoding: 'utf8' }));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

test('exports: the trace as JSON equal to the trace command and as CSV, charts as SVG and PNG, the link to the clipboard', async ({ page, baseURL, screenshot }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseURL).origin });
  const text = 'the movie was not good !';
  await page.goto(`./#sentence=${encodeURIComponent(text)}`);
  await page.locator('.badge').filter({ hasText: 'trained' }).waitFor();
  const fs = await import('node:fs/promises');
  for (const [file, H] of [['lstm-pytorch.json', 5], ['gru-keras.json', 5]]) {
    const modelPath = new URL(file, FIXTURES).pathname;
    await page.getByLabel('Model file').setInputFiles(modelPath);
    await page.locator('.badge').filter({ hasText: file }).waitFor();
    await page.getByText('Export', { exact: true }).click();
    const json = await download(page, page.getByRole('button', { name: 'Trace as JSON' }));
    assert.match(json.name, /^gatescope-trace-(lstm|gru)-the-movie-was-not-good\.json$/);
    assertSameNumbers(JSON.parse(json.bytes.toString('utf8')), await traceCommand(modelPath, text));

    const csv = await download(page, page.getByRole('button', { name: 'Trace as CSV' }));
    const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
    const T = 6;
    assert.equal(lines.length, 1 + T * H);
    assert.match(lines[0], file.startsWith('lstm') ? /^step,token,unit,h,c,i,f,g,o,dL\/dh,dL\/dc$/ : /^step,token,unit,h,r,z,n,dL\/dh$/);
    assert.match(lines.at(-1), /^5,!,4,/);
    await page.getByText('Export', { exact: true }).click();
  }

  await page.getByText('Export', { exact: true }).click();
  const menu = page.locator('.export-list');
  const shots = {};
  for (const chart of ['Hidden state h', 'Cell diagram', 'Gradient norms', 'Prediction track']) {
    const svg = await download(page, menu.getByRole('button', { name: `${chart} as SVG` }));
    assert.match(svg.name, /\.svg$/);
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: root.localName,
        ns: root.namespaceURI,
        width: Number(root.getAttribute('width')),
        images: Array.from(doc.querySelectorAll('image')).map((i) => i.getAttribute('href').slice(0, 22)),
        title: doc.querySelector('text')?.textContent,
      };
    }, svg.bytes.toString('utf8'));
    assert.equal(parsed.error, null, `${chart}: the SVG parses`);
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.ns, 'http://www.w3.org/2000/svg');
    assert.equal(parsed.title, chart);
    assert.ok(parsed.width > 100);
    if (chart === 'Hidden state h') assert.deepEqual(parsed.images, ['data:image/png;base64,']);

    const png = await download(page, menu.getByRole('button', { name: `${chart} as PNG` }));
    assert.deepEqual([...png.bytes.subarray(0, 8)], PNG_SIGNATURE, `${chart}: PNG signature`);
    // IHDR: the image is twice the SVG's size (sharp on slides).
    assert.equal(png.bytes.readUInt32BE(16), parsed.width * 2);
    shots[chart] = png.bytes;
  }
  const dir = new URL('../../test-results/screenshots/', import.meta.url);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(new URL('export-heatmap-h.png', dir), shots['Hidden state h']);
  await fs.writeFile(new URL('export-gradient-norms.png', dir), shots['Gradient norms']);
  await fs.writeFile(new URL('export-cell-diagram.png', dir), shots['Cell diagram']);
  await screenshot('embed-export-menu');

  await menu.getByRole('button', { name: 'Copy link' }).click();
  await menu.getByRole('status').filter({ hasText: 'Copy link: done.' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  await poll(async () => assert.equal(copied, page.url()));
});

test('an element with the equations panel typesets them with KaTeX inside its shadow root', async ({ page, baseURL, screenshot }) => {
  await page.goto('./examples/course.html');
  await page.setContent(`<!doctype html><title>equations</title><body style="font-family: serif">
    <p id="outside">Text of the course page.</p>
    <gate-scope sentence="the movie was not good" cell="gru" model="sentiment" panels="equations" hide="controls,link"></gate-scope>
    <script type="module" src="${baseURL}gatescope.js"></script></body>`);
  const el = page.locator('gate-scope');
  await el.getByRole('region', { name: 'Equations' }).waitFor();
  await poll(async () => assert.ok((await el.locator('.katex').count()) >= 4, 'KaTeX rendered the equations'));
  // KaTeX's layout rules reach into the shadow root, and its fonts load from the page's head.
  await poll(async () => {
    const font = await el.locator('.katex').first().evaluate((k) => getComputedStyle(k).fontFamily);
    assert.match(font, /KaTeX_Main/);
    assert.equal(await page.evaluate(() => document.fonts.check('16px KaTeX_Main')), true);
  });
  assert.equal(await el.locator('.katex-mathml').first().evaluate((m) => getComputedStyle(m).position), 'absolute', 'the MathML copy is visually hidden');
  assert.match(await page.locator('#outside').evaluate((p) => getComputedStyle(p).fontFamily), /serif/);
  await page.waitForTimeout(300);
  await screenshot('embed-element-equations');
});
