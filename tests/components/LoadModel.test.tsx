// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadModel, ModelPathLoader } from '../../src/components/LoadModel';
import { renderWithStore } from './render';

afterEach(cleanup);

const fixtureText = (name: string) => readFileSync(resolve('tests/fixtures', name), 'utf8');

function choose(file: File) {
  const input = screen.getByLabelText('Model file') as HTMLInputElement;
  fireEvent.change(input, { target: { files: [file] } });
}

function setup() {
  const result = renderWithStore(<LoadModel />, { sentence: 'the movie was not good', cell: 'lstm' });
  return result;
}

describe('Load model', () => {
  it('has a button that opens the file picker', () => {
    setup();
    const input = screen.getByLabelText('Model file') as HTMLInputElement;
    const click = vi.spyOn(input, 'click').mockImplementation(() => {});
    fireEvent.click(screen.getByRole('button', { name: 'Load model' }));
    expect(click).toHaveBeenCalled();
  });

  it.each([
    ['lstm-pytorch.json', 'lstm'],
    ['gru-keras.json', 'gru'],
    ['rnn-pytorch.json', 'rnn'],
  ])('loads %s: the model and its cell are shown, the sentence is kept', async (name, cell) => {
    const { store } = setup();
    choose(new File([fixtureText(name)], name, { type: 'application/json' }));
    await waitFor(() => expect(store.getState().modelInfo.label).toContain(name));
    const s = store.getState();
    expect(s.cell).toBe(cell);
    expect(s.trace.H).toBe(5);
    expect(s.modelInfo.trained).toBe(true);
    expect(s.sentence).toBe('the movie was not good');
    expect(screen.getByRole('status').textContent).toMatch(new RegExp(`Loaded ${name.replace('.', '\\.')}`));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows an inline error naming the field and leaves the model and sentence as they were', async () => {
    const { store } = setup();
    const file = JSON.parse(fixtureText('gru-keras.json'));
    file.weights.recurrent_kernel[0].pop();
    const before = store.getState();
    choose(new File([JSON.stringify(file)], 'broken.json'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Could not load “broken\.json”: the field weights\.recurrent_kernel: expected 5 x 15 \(H x G\*H\), found 5 rows of unequal length/);
    expect(alert.textContent).toMatch(/The model and sentence on screen are unchanged/);
    const after = store.getState();
    expect(after.model).toBe(before.model);
    expect(after.modelInfo).toBe(before.modelInfo);
    expect(after.sentence).toBe(before.sentence);
    expect(after.trace).toBe(before.trace);
  });

  it('refuses a file over the size limit without reading it', async () => {
    const { store } = setup();
    const big = new File(['{}'], 'huge.json');
    Object.defineProperty(big, 'size', { value: 200 * 1024 * 1024 });
    const text = vi.fn(async () => '{}');
    Object.defineProperty(big, 'text', { value: text });
    const before = store.getState().modelInfo;
    choose(big);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/huge\.json.*200\.0 MB, more than the limit of 20 MB/);
    expect(text).not.toHaveBeenCalled();
    expect(store.getState().modelInfo).toBe(before);
  });

  it('loads a file dropped onto the page', async () => {
    const { store } = setup();
    const file = new File([fixtureText('gru-keras.json')], 'dropped.json');
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file] } });
    window.dispatchEvent(drop);
    await waitFor(() => expect(store.getState().modelInfo.label).toContain('dropped.json'));
    expect(drop.defaultPrevented).toBe(true);
  });

  it('dismisses the error', async () => {
    setup();
    choose(new File(['not json'], 'x.json'));
    fireEvent.click(await screen.findByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('a model= path in the link', () => {
  it('refuses a javascript: address outright and goes back to the shipped model, keeping the sentence', async () => {
    const { store } = renderWithStore(<ModelPathLoader />, { model: 'javascript:alert(1)//.json', sentence: 'not bad' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Did not load the model: "javascript:alert\(1\)\/\/\.json" is a javascript: address; only model files on this site can be loaded/);
    expect(store.getState().model).toBe('sentiment');
    expect(store.getState().sentence).toBe('not bad');
  });

  it('asks before loading from another site, and a no leaves the model unloaded', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { store } = renderWithStore(<ModelPathLoader />, { model: 'https://elsewhere.example/m.json', sentence: 'not bad' });
    const dialog = await screen.findByRole('dialog', { name: 'Load a model from another site?' });
    expect(dialog.textContent).toMatch(/https:\/\/elsewhere\.example\/m\.json/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Don’t load' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/is on another site \(elsewhere\.example\) and was not confirmed/);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(store.getState().model).toBe('sentiment');
    fetchSpy.mockRestore();
  });
});
