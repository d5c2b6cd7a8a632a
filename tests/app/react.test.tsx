// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { GateScope } from '../../src/app/react';
import '../components/render';

afterEach(cleanup);

/** Lets the element's microtask-batched attribute handling and React's render run. */
const settle = () => act(async () => { await new Promise((r) => setTimeout(r, 0)); });

describe('the React component', () => {
  it('renders a <gate-scope> whose own store holds the given settings', async () => {
    const { container } = render(<GateScope settings={{ sentence: 'not bad', cell: 'gru', model: 'random', step: 1, panels: ['gradient'] }} hide={['controls']} />);
    await settle();
    const el = container.querySelector('gate-scope')!;
    expect(el.getAttribute('hide')).toBe('controls');
    const s = el.store!.getState();
    expect(s).toMatchObject({ sentence: 'not bad', cell: 'gru', model: 'random', step: 1, panels: ['gradient'] });
    // Inside its shadow root: the gradient panel, and no sentence box (hidden controls).
    const shadow = el.shadowRoot!;
    expect(shadow.querySelector('[aria-label="Sentence and playback"] input')).toBeNull();
    expect(Array.from(shadow.querySelectorAll('section.panel h2')).map((h) => h.textContent)).toEqual(['Gradient flow']);
  });

  it('updates the element in place when a prop changes, keeping its store', async () => {
    const { container, rerender } = render(<GateScope settings={{ sentence: 'not bad', model: 'random' }} />);
    await settle();
    const el = container.querySelector('gate-scope')!;
    const store = el.store;
    rerender(<GateScope settings={{ sentence: 'really good', model: 'random', cell: 'rnn' }} />);
    await settle();
    expect(container.querySelector('gate-scope')).toBe(el);
    expect(el.store).toBe(store);
    expect(store!.getState()).toMatchObject({ sentence: 'really good', cell: 'rnn' });
  });

  it('gives two components two independent stores', async () => {
    const { container } = render(
      <>
        <GateScope settings={{ sentence: 'a b c', model: 'random' }} />
        <GateScope settings={{ sentence: 'd e', model: 'random' }} />
      </>,
    );
    await settle();
    const [a, b] = Array.from(container.querySelectorAll('gate-scope'));
    a.store!.getState().setStep(2);
    expect(a.store!.getState().step).toBe(2);
    expect(b.store!.getState().step).toBe(0);
    expect(b.store!.getState().tokens).toEqual(['d', 'e']);
  });
});
