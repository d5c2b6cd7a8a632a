/**
 * `<GateScope>` for React course sites (built to dist/gatescope-react.js, React as a peer):
 *
 *   import { GateScope } from './gatescope/gatescope-react.js';
 *   <GateScope settings={{ sentence: 'the movie was not good', cell: 'gru', panels: ['gradient'] }} hide={['controls']} />
 *
 * It renders the <gate-scope> custom element with the settings as attributes. The visualizer runs
 * inside the element with its own bundled React, in its own shadow root, so the site's React
 * version and CSS do not matter and every <GateScope> has its own state. Changing a prop changes
 * the attribute, and the element updates in place.
 */

import { createElement, type CSSProperties } from 'react';
import { settingsAttributes, type HidePart } from '../state/embed';
import type { Settings } from '../state/store';
import { defineGateScope } from './element';

export interface GateScopeProps {
  /** the URL-hash settings (sentence, cell, model, step, unit, knobs, panels, compare, colorBy) */
  settings?: Partial<Settings>;
  /** controls to hide; 'controls' hides sentence, tokens, playback, cell and model */
  hide?: readonly (HidePart | 'controls')[];
  className?: string;
  style?: CSSProperties;
  id?: string;
}

export function GateScope({ settings = {}, hide = [], className, style, id }: GateScopeProps) {
  defineGateScope();
  const attrs: Record<string, unknown> = { ...settingsAttributes(settings) };
  if (hide.length > 0) attrs.hide = hide.join(',');
  if (className) attrs.className = className;
  if (style) attrs.style = style;
  if (id) attrs.id = id;
  return createElement('gate-scope', attrs);
}

export { defineGateScope } from './element';
export type { HidePart } from '../state/embed';
export type { Settings } from '../state/store';
