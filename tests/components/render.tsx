// Shared helper for component tests: renders a view inside its own visualizer store.
import { render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { VisStoreProvider } from '../../src/state/context';
import { createVisStore, type Settings } from '../../src/state/store';

// jsdom has no canvas; the heatmap skips drawing when there is no 2D context.
if (typeof HTMLCanvasElement !== 'undefined') {
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
}

export function renderWithStore(ui: ReactNode, initial: Partial<Settings> = {}): RenderResult & { store: ReturnType<typeof createVisStore> } {
  const store = createVisStore({ model: 'random', ...initial });
  const result = render(<VisStoreProvider store={store}>{ui}</VisStoreProvider>);
  return { ...result, store };
}
