// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  attributeDefault,
  elementAttributes,
  elementSnippet,
  embedUrl,
  iframeSnippet,
  parseAttributes,
  parseEmbedHash,
  parseHide,
  settingsAttributes,
  shareLink,
  type ShareChoice,
} from '../../src/state/embed';
import { DEFAULT_SETTINGS, type Settings } from '../../src/state/store';
import { parseHash } from '../../src/state/url';

const BASE = 'https://course.example/gatescope/';

const VIEW: Settings = {
  ...DEFAULT_SETTINGS,
  sentence: 'the movie was "not" <good> & fun',
  cell: 'gru',
  model: 'sentiment',
  step: 3,
  unit: 5,
  recurrentScale: 0.8,
  panels: ['diagram', 'heatmaps', 'gradient'],
};

/** The attributes of the first element in an HTML snippet, read by the browser's own parser. */
function attributesOf(html: string, selector: string): Record<string, string> {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const el = doc.querySelector(selector);
  if (!el) throw new Error(`no ${selector} in ${html}`);
  return Object.fromEntries(Array.from(el.attributes).map((a) => [a.name, a.value]));
}

describe('hide flags', () => {
  it('reads a comma list, expands "controls" and reports unknown parts', () => {
    expect(parseHide('playback, Sentence').hide).toEqual(['sentence', 'playback']);
    expect(parseHide('controls').hide).toEqual(['sentence', 'tokens', 'playback', 'cell', 'model']);
    const bad = parseHide('link,chart');
    expect(bad.hide).toEqual(['link']);
    expect(bad.problems[0]).toMatch(/hide: unknown part "chart"/);
  });

  it('are split off an embed hash without being reported as unknown settings', () => {
    const { settings, hide, problems } = parseEmbedHash('#sentence=a%20b&cell=rnn&hide=sentence,link&panels=gradient');
    expect(settings).toEqual({ sentence: 'a b', cell: 'rnn', panels: ['gradient'] });
    expect(hide).toEqual(['sentence', 'link']);
    expect(problems).toEqual([]);
  });
});

describe('element attributes', () => {
  it('carry the same settings as the hash, by the same names', () => {
    const attrs = settingsAttributes(VIEW);
    expect(attrs).toMatchObject({ sentence: VIEW.sentence, cell: 'gru', step: '3', unit: '5', scale: '0.8', panels: 'diagram,heatmaps,gradient' });
    const { settings, problems } = parseAttributes((name) => attrs[name] ?? null);
    expect(problems).toEqual([]);
    expect(settings).toEqual(VIEW);
  });

  it('report a bad value by attribute name and leave the setting out', () => {
    const { settings, problems } = parseAttributes((name) => ({ cell: 'transformer', step: '2' })[name] ?? null);
    expect(settings).toEqual({ step: 2 });
    expect(problems).toEqual(['cell: expected one of rnn, lstm, gru, found "transformer", using the default']);
  });

  it('fall back to the default when removed', () => {
    expect(attributeDefault('scale')).toEqual({ recurrentScale: 1 });
    expect(attributeDefault('panels')).toEqual({ panels: DEFAULT_SETTINGS.panels });
    expect(attributeDefault('nonsense')).toEqual({});
  });
});

describe('share snippets', () => {
  const choice: ShareChoice = { settings: VIEW, panels: ['gradient', 'diagram'], hide: ['sentence', 'link'] };

  it('the link restores the view with the chosen panels', () => {
    const link = shareLink(BASE, choice);
    expect(link.startsWith(`${BASE}#`)).toBe(true);
    const { settings, problems } = parseHash(new URL(link).hash);
    expect(problems).toEqual([]);
    expect(settings).toEqual({ ...VIEW, panels: ['diagram', 'gradient'] });
  });

  it('the iframe snippet points at embed.html with the settings and hide flags, attribute-escaped', () => {
    const attrs = attributesOf(iframeSnippet(BASE, choice), 'iframe');
    expect(attrs.src).toBe(embedUrl(BASE, choice));
    const src = new URL(attrs.src);
    expect(src.pathname).toBe('/gatescope/embed.html');
    const parsed = parseEmbedHash(src.hash);
    expect(parsed.problems).toEqual([]);
    expect(parsed.settings).toEqual({ ...VIEW, panels: ['diagram', 'gradient'] });
    expect(parsed.hide).toEqual(['sentence', 'link']);
    expect(attrs.title).toMatch(/GRU reading “the movie was "not" <good> & fun”/);
  });

  it('the element snippet loads gatescope.js and its attributes restore the view', () => {
    const html = elementSnippet(BASE, choice);
    expect(attributesOf(html, 'script')).toEqual({ type: 'module', src: `${BASE}gatescope.js` });
    const attrs = attributesOf(html, 'gate-scope');
    const { settings, problems } = parseAttributes((name) => attrs[name] ?? null);
    expect(problems).toEqual([]);
    expect({ ...DEFAULT_SETTINGS, ...settings }).toEqual({ ...VIEW, panels: ['diagram', 'gradient'] });
    expect(parseHide(attrs.hide).hide).toEqual(['sentence', 'link']);
    // Defaults are left out to keep the snippet short; sentence, cell and model are always there.
    expect(Object.keys(attrs)).toEqual(['sentence', 'cell', 'model', 'step', 'unit', 'scale', 'panels', 'hide']);
  });

  it('a relative model path becomes absolute, so the snippet works from any page', () => {
    const attrs = elementAttributes(BASE, { ...choice, settings: { ...VIEW, model: './models/mine.json' } });
    expect(Object.fromEntries(attrs).model).toBe('https://course.example/gatescope/models/mine.json');
  });
});
