// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterNextPaint, useAfterPaint } from '../../src/charts/useAfterPaint';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Shown({ value }: { value: string }) {
  const late = useAfterPaint(value);
  return (
    <p>
      <span data-testid="now">{value}</span>
      <span data-testid="late">{late}</span>
    </p>
  );
}

describe('useAfterPaint', () => {
  it('shows the first value at once and each later one only after the next frame', async () => {
    const frames: FrameRequestCallback[] = [];
    // Frames on demand: the test decides when the browser would render.
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    const { rerender } = render(<Shown value="a" />);
    expect(screen.getByTestId('late').textContent).toBe('a');
    rerender(<Shown value="b" />);
    expect(screen.getByTestId('now').textContent).toBe('b');
    // No frame yet: still the old value, however long we wait.
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.getByTestId('late').textContent).toBe('a');
    expect(frames.length).toBe(1);
    act(() => frames.shift()!(0));
    await waitFor(() => expect(screen.getByTestId('late').textContent).toBe('b'));
  });

  it('drops an update that a newer value overtook before the frame', async () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    const { rerender } = render(<Shown value="a" />);
    rerender(<Shown value="b" />);
    rerender(<Shown value="c" />);
    act(() => {
      for (const f of frames.splice(0)) f(0);
    });
    await waitFor(() => expect(screen.getByTestId('late').textContent).toBe('c'));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('late').textContent).toBe('c');
  });

  it('runs at once (in a microtask) where there are no frames, and not after being cancelled', async () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    const ran: string[] = [];
    afterNextPaint(() => ran.push('kept'));
    const cancel = afterNextPaint(() => ran.push('cancelled'));
    cancel();
    expect(ran).toEqual([]);
    await Promise.resolve();
    expect(ran).toEqual(['kept']);
  });
});
