/**
 * The React binding of the visualizer store: one store per mounted visualizer, provided through
 * context, read with narrow selectors so a hover re-renders only what shows the hover.
 */

import { createContext, use, useState, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createVisStore, type Settings, type VisState, type VisStoreOptions } from './store';

const VisStoreContext = createContext<StoreApi<VisState> | null>(null);

export interface VisStoreProviderProps {
  /** An existing store (the app creates it to wire URL sync); otherwise one is created once. */
  store?: StoreApi<VisState>;
  initial?: Partial<Settings>;
  options?: VisStoreOptions;
  children: ReactNode;
}

export function VisStoreProvider({ store, initial, options, children }: VisStoreProviderProps) {
  // Lazy state: the store (and its first engine run) is created once per mount, not per render.
  const [own] = useState(() => store ?? createVisStore(initial, options));
  return <VisStoreContext value={store ?? own}>{children}</VisStoreContext>;
}

export function useVisStore(): StoreApi<VisState> {
  const store = use(VisStoreContext);
  if (!store) throw new Error('useVisStore: no VisStoreProvider above this component');
  return store;
}

/** Reads one slice of the visualizer state; the component re-renders only when that slice changes. */
export function useVis<T>(selector: (s: VisState) => T): T {
  return useStore(useVisStore(), selector);
}

/** Like useVis for selectors that build a fresh array or object: compared shallowly. */
export function useVisShallow<T>(selector: (s: VisState) => T): T {
  return useStore(useVisStore(), useShallow(selector));
}
