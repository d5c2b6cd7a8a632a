import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModelUrl, fetchModel, fileSizeProblem, MAX_MODEL_FILE_BYTES, readModelText } from '../../src/state/userModel';

const fixture = (name: string) => readFileSync(resolve('tests/fixtures', name), 'utf8');

describe('reading a model file', () => {
  it.each([
    ['lstm-pytorch.json', 'lstm', 'pytorch'],
    ['gru-keras.json', 'gru', 'keras'],
    ['rnn-pytorch.json', 'rnn', 'pytorch'],
  ])('accepts %s and reports its cell and layout', (name, cell, layout) => {
    const read = readModelText(fixture(name));
    expect(read.ok).toBe(true);
    if (read.ok) {
      expect(read.model.params.cell).toBe(cell);
      expect(read.layout).toBe(layout);
    }
  });

  it('names the field of a misshapen weight', () => {
    const file = JSON.parse(fixture('lstm-pytorch.json'));
    file.weights.weight_hh = file.weights.weight_hh.slice(1);
    const read = readModelText(JSON.stringify(file));
    expect(read).toMatchObject({ ok: false, field: 'weights.weight_hh' });
    if (!read.ok) expect(read.message).toMatch(/^weights\.weight_hh: expected 20 x 5 \(G\*H x H\), found 19 x 5$/);
  });

  it('names (json) for text that is not JSON', () => {
    expect(readModelText('{"format":')).toMatchObject({ ok: false, field: '(json)' });
  });

  it('refuses a file over the size limit and says the limit', () => {
    expect(fileSizeProblem(MAX_MODEL_FILE_BYTES)).toBeNull();
    expect(fileSizeProblem(200 * 1024 * 1024)).toMatch(/the file is 200\.0 MB, more than the limit of 20 MB/);
  });

  it('refuses a fetched file whose declared size is over the limit without reading its body', async () => {
    let read = false;
    const body = new ReadableStream({ pull() { read = true; } }, { highWaterMark: 0 });
    const res = new Response(body, { headers: { 'content-length': String(100 * 1024 * 1024) } });
    const result = await fetchModel('https://site/m.json', async () => res);
    expect(result).toMatchObject({ ok: false, field: null });
    if (!result.ok) expect(result.message).toMatch(/limit of 20 MB/);
    expect(read).toBe(false);
  });

  it('reports an HTTP error of a fetched file', async () => {
    const result = await fetchModel('https://site/m.json', async () => new Response('nope', { status: 404 }));
    expect(result).toMatchObject({ ok: false, message: 'could not fetch https://site/m.json (HTTP 404)' });
  });
});

describe('where a model= path may be fetched from', () => {
  const page = 'https://course.example/week6/index.html#model=x';
  it.each([
    ['./models/my.json', 'https://course.example/week6/models/my.json'],
    ['my.json', 'https://course.example/week6/my.json'],
    ['/shared/my.json', 'https://course.example/shared/my.json'],
    ['https://course.example/m.json', 'https://course.example/m.json'],
  ])('loads %s from the same site', (path, url) => {
    expect(checkModelUrl(path, page)).toEqual({ ok: true, url });
  });

  it.each([
    ['http://other.example/m.json', 'http://other.example/m.json'],
    ['//other.example/m.json', 'https://other.example/m.json'],
    ['http://course.example/m.json', 'http://course.example/m.json'],
  ])('asks before loading %s from another site', (path, url) => {
    const check = checkModelUrl(path, page);
    expect(check).toMatchObject({ ok: false, url });
    if (!check.ok) expect(check.reason).toMatch(/is on another site/);
  });

  it.each(['javascript:alert(1)//.json', 'data:application/json,{}.json'])('refuses %s outright', (path) => {
    const check = checkModelUrl(path, page);
    expect(check).toMatchObject({ ok: false, url: null });
    if (!check.ok) expect(check.reason).toMatch(/only model files on this site/);
  });
});

describe('a model loaded from a model= path', () => {
  it('keeps the path as the model setting and the step the link asked for', async () => {
    const { createVisStore } = await import('../../src/state/store');
    const { toHash, parseHash } = await import('../../src/state/url');
    const read = readModelText(fixture('gru-keras.json'));
    if (!read.ok) throw new Error(read.message);
    const store = createVisStore({ model: './models/mine.json', sentence: 'the movie was not good', step: 3 });
    expect(store.getState().notice).toMatch(/Loading the model file \.\/models\/mine\.json/);
    store.getState().loadUserModel(read.model, { label: 'mine.json', source: 'url', path: './models/mine.json' });
    const s = store.getState();
    expect(s.model).toBe('./models/mine.json');
    expect(s.cell).toBe('gru');
    expect(s.modelInfo.label).toBe('mine.json (GRU, your model)');
    expect(s.step).toBe(3);
    expect(parseHash(toHash(s)).settings.model).toBe('./models/mine.json');
  });
});
