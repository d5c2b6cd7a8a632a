// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShareDialog } from '../../src/components/ShareDialog';
import { parseAttributes, parseEmbedHash, parseHide } from '../../src/state/embed';
import { DEFAULT_SETTINGS } from '../../src/state/store';
import { parseHash } from '../../src/state/url';
import { renderWithStore } from './render';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const BASE = 'https://course.example/gatescope/';
const VIEW = { sentence: 'not bad at all', cell: 'gru' as const, step: 2, unit: 4, recurrentScale: 0.5 };

function open() {
  const result = renderWithStore(<ShareDialog base={BASE} />, VIEW);
  fireEvent.click(screen.getByRole('button', { name: 'Share & embed' }));
  return { ...result, dialog: screen.getByRole('dialog', { name: 'Share & embed' }) };
}

const field = (dialog: HTMLElement, name: string) => (within(dialog).getByRole('textbox', { name }) as HTMLTextAreaElement).value;

describe('the Share & embed dialog', () => {
  it('is closed until its button is pressed, and the Close button closes it', () => {
    renderWithStore(<ShareDialog base={BASE} />, VIEW);
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Share & embed' }));
    const dialog = screen.getByRole('dialog', { name: 'Share & embed' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('gives a link that restores the current view', () => {
    const { dialog, store } = open();
    const { settings, problems } = parseHash(new URL(field(dialog, 'Link')).hash);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({ ...VIEW, panels: store.getState().panels });
  });

  it('builds the iframe and element snippets from the view and the ticked boxes', () => {
    const { dialog } = open();
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Heatmaps over time' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Equations' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Sentence box' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Playback controls' }));
    const panels = DEFAULT_SETTINGS.panels.filter((p) => p !== 'heatmaps' && p !== 'equations');

    const doc = new DOMParser().parseFromString(field(dialog, 'Iframe snippet'), 'text/html');
    const src = new URL(doc.querySelector('iframe')!.getAttribute('src')!);
    expect(src.href.startsWith(`${BASE}embed.html#`)).toBe(true);
    const embed = parseEmbedHash(src.hash);
    expect(embed.problems).toEqual([]);
    expect(embed.settings).toMatchObject({ ...VIEW, panels });
    expect(embed.hide).toEqual(['sentence', 'playback']);

    const el = new DOMParser().parseFromString(field(dialog, 'Element snippet'), 'text/html').querySelector('gate-scope')!;
    const attrs = parseAttributes((name) => el.getAttribute(name));
    expect(attrs.problems).toEqual([]);
    expect(attrs.settings).toMatchObject({ ...VIEW, panels });
    expect(parseHide(el.getAttribute('hide')!).hide).toEqual(['sentence', 'playback']);
  });

  it('follows the view when the student steps on while it is open', () => {
    const { dialog, store } = open();
    store.getState().setStep(1);
    return waitFor(() => expect(parseHash(new URL(field(dialog, 'Link')).hash).settings.step).toBe(1));
  });

  it('copies a snippet to the clipboard and says so', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { dialog } = open();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy element snippet' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('Element snippet copied.'));
    expect(writeText).toHaveBeenCalledWith(field(dialog, 'Element snippet'));
  });

  it('selects the text for a manual copy when the clipboard is refused', async () => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async () => Promise.reject(new Error('denied')) }, configurable: true });
    const { dialog } = open();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toMatch(/Link selected: press Ctrl\+C/));
    expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Link' }));
  });
});
