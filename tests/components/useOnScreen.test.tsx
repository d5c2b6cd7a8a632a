// @vitest-environment jsdom
import { act, cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useOnScreen, useVisibleValue } from '../../src/components/useOnScreen';
import { topInset, trackStickyTop } from '../../src/components/topInset';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A stand-in IntersectionObserver the test drives by hand. */
function stubObserver() {
  const made: { callback: IntersectionObserverCallback; observed: Element[]; disconnected: boolean; rootMargin: string | undefined }[] = [];
  class FakeObserver {
    record: (typeof made)[number];
    constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
      this.record = { callback, observed: [], disconnected: false, rootMargin: options?.rootMargin };
      made.push(this.record);
    }
    observe(el: Element) {
      this.record.observed.push(el);
    }
    disconnect() {
      this.record.disconnected = true;
    }
  }
  vi.stubGlobal('IntersectionObserver', FakeObserver);
  const report = (isIntersecting: boolean) =>
    act(() => {
      for (const m of made) m.callback([{ isIntersecting } as IntersectionObserverEntry], {} as IntersectionObserver);
    });
  return { made, report };
}

function Probe({ value, log }: { value: number; log: number[] }) {
  const [ref, onScreen] = useOnScreen<HTMLDivElement>();
  const shown = useVisibleValue(value, onScreen);
  log.push(shown);
  return (
    <div ref={ref} data-onscreen={String(onScreen)}>
      {shown}
    </div>
  );
}

describe('useOnScreen and useVisibleValue', () => {
  it('shows a new value in the very render that brings it while the element is on screen', () => {
    stubObserver();
    const log: number[] = [];
    const { rerender, container } = render(<Probe value={1} log={log} />);
    log.length = 0;
    rerender(<Probe value={2} log={log} />);
    // (React may render once more in the background; it never shows the old value.)
    expect(log[0]).toBe(2);
    expect(new Set(log)).toEqual(new Set([2]));
    expect(container.textContent).toBe('2');
  });

  it('off screen, renders the old value first and catches up in a later render', async () => {
    const { made, report } = stubObserver();
    const log: number[] = [];
    const { rerender, container, unmount } = render(<Probe value={1} log={log} />);
    expect(made[0].observed).toEqual([container.firstChild]);
    await report(false);
    expect(container.querySelector('[data-onscreen]')!.getAttribute('data-onscreen')).toBe('false');
    log.length = 0;
    rerender(<Probe value={2} log={log} />);
    // The urgent render keeps 1 (nothing to redraw); a render after the next frame brings 2.
    expect(log[0]).toBe(1);
    expect(container.textContent).toBe('1');
    await waitFor(() => expect(container.textContent).toBe('2'));
    expect(log[log.length - 1]).toBe(2);
    unmount();
    expect(made[0].disconnected).toBe(true);
  });

  it('treats everything as on screen where IntersectionObserver is missing', () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    const log: number[] = [];
    const { rerender, container } = render(<Probe value={1} log={log} />);
    log.length = 0;
    rerender(<Probe value={5} log={log} />);
    expect(new Set(log)).toEqual(new Set([5]));
    expect(container.querySelector('[data-onscreen]')!.getAttribute('data-onscreen')).toBe('true');
  });

  it('does not count the strip under the sticky bar as on screen, and follows the bar as it grows or stops sticking', () => {
    const { made } = stubObserver();
    render(<Probe value={1} log={[]} />);
    expect(made.at(-1)!.rootMargin).toBe('100px 0px 100px 0px');
    const bar = document.createElement('section');
    let height = 300;
    bar.getBoundingClientRect = () => ({ height }) as DOMRect;
    bar.style.position = 'sticky';
    document.body.append(bar);
    let stop = () => {};
    act(() => {
      stop = trackStickyTop(bar);
    });
    expect(topInset()).toBe(300);
    // Focus scrolling stops below the bar.
    expect(document.documentElement.style.scrollPaddingTop).toBe('308px');
    // A new observer with the bar's height taken off the top; the old one is gone.
    expect(made.at(-1)!.rootMargin).toBe('-300px 0px 100px 0px');
    expect(made.at(-2)!.disconnected).toBe(true);
    // A longer sentence makes the bar taller (the page re-measures on resize).
    height = 420;
    act(() => {
      window.dispatchEvent(new Event('resize'));
    });
    expect(made.at(-1)!.rootMargin).toBe('-420px 0px 100px 0px');
    // On a small screen the bar scrolls away with the page: nothing is covered.
    bar.style.position = 'static';
    act(() => {
      window.dispatchEvent(new Event('resize'));
    });
    expect(topInset()).toBe(0);
    expect(document.documentElement.style.scrollPaddingTop).toBe('');
    expect(made.at(-1)!.rootMargin).toBe('100px 0px 100px 0px');
    act(() => stop());
    bar.remove();
  });
});
