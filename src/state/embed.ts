/**
 * Embedding options: the hide flags an embed takes on top of the URL-hash settings, and the link,
 * iframe and element snippets the "Share & embed" dialog builds from a view. Plain strings in and
 * out, so the embed page, the custom element and the dialog all read and write the same thing.
 */

import { isModelPath } from './models';
import { PANEL_LABEL, normalizePanels, type PanelId } from './panels';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { HASH_FIELDS, parseHash, toHash } from './url';

/** Controls an embed can hide (`hide=sentence,playback`); `controls` hides all but the link. */
export type HidePart = 'sentence' | 'tokens' | 'playback' | 'cell' | 'model' | 'link';

export const HIDE_PARTS: readonly { id: HidePart; label: string }[] = [
  { id: 'sentence', label: 'Sentence box' },
  { id: 'tokens', label: 'Token strip' },
  { id: 'playback', label: 'Playback controls' },
  { id: 'cell', label: 'Cell toggle' },
  { id: 'model', label: 'Model picker' },
  { id: 'link', label: '"Open in gatescope" link' },
];

const PART_IDS = HIDE_PARTS.map((p) => p.id);
/** What `hide=controls` stands for. */
export const CONTROL_PARTS: readonly HidePart[] = ['sentence', 'tokens', 'playback', 'cell', 'model'];

/** The panels an embed can show, by label (the panel registry's; training stays in the full app). */
export { PANEL_LABEL };

/** The element's attribute for each hash key: the same names (`scale`, `fbias`, `pad`, ...). */
export const SETTING_ATTRIBUTES: readonly string[] = HASH_FIELDS.map((f) => f.key);

function show(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw);
}

/** Reads a hide list (`sentence,playback` or `controls`); unknown names are reported and skipped. */
export function parseHide(raw: string): { hide: HidePart[]; problems: string[] } {
  const names = raw.split(',').map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  const wanted = new Set<HidePart>();
  const problems: string[] = [];
  for (const name of names) {
    if (name === 'controls') CONTROL_PARTS.forEach((p) => wanted.add(p));
    else if ((PART_IDS as string[]).includes(name)) wanted.add(name as HidePart);
    else problems.push(`hide: unknown part ${show(name)} ignored (known: controls, ${PART_IDS.join(', ')})`);
  }
  return { hide: PART_IDS.filter((p) => wanted.has(p)), problems };
}

/** An embed's hash: the settings (as the app's hash) plus `hide=`. Never throws. */
export function parseEmbedHash(hash: string): { settings: Partial<Settings>; hide: HidePart[]; problems: string[] } {
  const body = hash.replace(/^#/, '');
  const rest: string[] = [];
  let hideRaw = '';
  for (const part of body.split('&')) {
    if (part.startsWith('hide=')) {
      try {
        hideRaw += `,${decodeURIComponent(part.slice(5))}`;
      } catch {
        hideRaw += `,${part.slice(5)}`;
      }
    } else {
      rest.push(part);
    }
  }
  const { settings, problems } = parseHash(rest.join('&'));
  const hidden = parseHide(hideRaw);
  return { settings, hide: hidden.hide, problems: [...problems, ...hidden.problems] };
}

/** Settings from an element's attributes (attribute name = hash key); absent ones keep their default. */
export function parseAttributes(get: (name: string) => string | null): { settings: Partial<Settings>; problems: string[] } {
  const parts: string[] = [];
  for (const key of SETTING_ATTRIBUTES) {
    const value = get(key);
    if (value !== null) parts.push(`${key}=${encodeURIComponent(value)}`);
  }
  return parseHash(parts.join('&'));
}

/** Settings as element attributes (attribute name = hash key, value = its hash form). */
export function settingsAttributes(settings: Partial<Settings>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of HASH_FIELDS) {
    const value = settings[f.field];
    if (value !== undefined) out[f.key] = f.serialize(value as never);
  }
  return out;
}

/** The default value of the setting an attribute carries, for when the attribute is removed. */
export function attributeDefault(key: string): Partial<Settings> {
  const field = HASH_FIELDS.find((f) => f.key === key);
  if (!field) return {};
  const value = DEFAULT_SETTINGS[field.field];
  return { [field.field]: Array.isArray(value) ? [...value] : value } as Partial<Settings>;
}

/** What a shared view shows: the view's settings with these panels, and these parts hidden. */
export interface ShareChoice {
  settings: Settings;
  panels: PanelId[];
  hide: HidePart[];
}

function sharedSettings(choice: ShareChoice): Settings {
  return { ...choice.settings, panels: normalizePanels(choice.panels) };
}

/** `base` is the folder the app is served from, with a trailing slash (e.g. https://site/gatescope/). */
export function shareLink(base: string, choice: ShareChoice): string {
  return `${base}${toHash(sharedSettings(choice))}`;
}

export function embedUrl(base: string, choice: ShareChoice): string {
  const hide = choice.hide.length > 0 ? `&hide=${choice.hide.join(',')}` : '';
  return `${base}embed.html${toHash(sharedSettings(choice))}${hide}`;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A model path is resolved against the page that holds the snippet, so a relative one is made
 * absolute against the app's folder: pasted anywhere, it still names the same file.
 */
function absoluteModel(base: string, model: string): string {
  if (!isModelPath(model)) return model;
  try {
    return new URL(model, base).href;
  } catch {
    return model;
  }
}

export function iframeSnippet(base: string, choice: ShareChoice): string {
  const s = choice.settings;
  const title = `gatescope: ${s.cell.toUpperCase()} reading “${s.sentence.slice(0, 60)}”`;
  const shared: ShareChoice = { ...choice, settings: { ...s, model: absoluteModel(base, s.model) } };
  return `<iframe src="${escapeAttr(embedUrl(base, shared))}" title="${escapeAttr(title)}" style="width:100%;height:640px;border:0" loading="lazy"></iframe>`;
}

/** The element's attributes for a view: sentence, cell and model always, the rest when not the default. */
export function elementAttributes(base: string, choice: ShareChoice): [string, string][] {
  const settings = sharedSettings(choice);
  const attrs: [string, string][] = [];
  for (const f of HASH_FIELDS) {
    const value = f.serialize(settings[f.field] as never);
    const always = f.key === 'sentence' || f.key === 'cell' || f.key === 'model';
    if (!always && value === f.serialize(f.default as never)) continue;
    attrs.push([f.key, f.key === 'model' ? absoluteModel(base, value) : value]);
  }
  if (choice.hide.length > 0) attrs.push(['hide', choice.hide.join(',')]);
  return attrs;
}

export function elementSnippet(base: string, choice: ShareChoice): string {
  const attrs = elementAttributes(base, choice)
    .map(([k, v]) => `\n  ${k}="${escapeAttr(v)}"`)
    .join('');
  return `<script type="module" src="${escapeAttr(`${base}gatescope.js`)}"></script>\n<gate-scope${attrs}>\n</gate-scope>`;
}

/** The message the embed page posts to its parent whenever its height changes. */
export const RESIZE_MESSAGE = 'gatescope:resize';

/** Five lines for the course page: sizes every gatescope iframe to the height it posts. */
export const RESIZE_LISTENER = `<script>
addEventListener('message', (e) => {
  const h = e.data?.type === '${RESIZE_MESSAGE}' ? Number(e.data.height) : NaN;
  if (!(h > 0 && h < 20000)) return;
  for (const f of document.querySelectorAll('iframe')) if (f.contentWindow === e.source) f.style.height = h + 'px';
});
</script>`;
