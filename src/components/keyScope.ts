/**
 * Where the playback keys listen. The full page takes arrow keys and Space anywhere; an embedded
 * visualizer (the <gate-scope> element) must take only the keys pressed inside it, or two embeds on
 * one course page would step together and steal the slides' arrow keys.
 */

import { createContext } from 'react';

/** The node a key event's path must pass through to count; null = the whole page. */
export const KeyScope = createContext<EventTarget | null>(null);
