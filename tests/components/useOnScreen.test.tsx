// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useOnScreen, useVisibleValue } from '../../src/components/useOnScreen';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A stand-in IntersectionObserver the test drives by hand. */
function stubObserver() {
  const made: { callback: IntersectionObserverCallback; observed: Element[]; disconnected: boolean }[] = [];
  class FakeObserver {
    record: (typeof made)[number];
    constructor(callback: IntersectionObserverCallback) {
      this.record = { callback, observed: [], disconnected: false };
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
    // The urgent render keeps 1 (nothing to redraw); the deferred one brings 2.
    expect(log[0]).toBe(1);
    expect(log[log.length - 1]).toBe(2);
    expect(container.textContent).toBe('2');
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
});
