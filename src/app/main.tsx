/** Browser entry: one store from the URL hash (or the last session), models loaded same-origin, hash and session kept in sync. */

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { browserFetchText } from '../state/models';
import { createVisStore } from '../state/store';
import { adoptTheme } from './adoptTheme';
import { App } from './App';
import { browserStorage, persistSession, startSettings } from './session';
import { syncUrl } from './urlSync';
import './styles.css';

adoptTheme();

// A link's hash names the view; a bare link comes back to the last session in this browser.
const storage = browserStorage();
const { settings, problems } = startSettings(window.location.hash, storage);
// Quick Jacobian norms while the student types or drags a knob, precise ones a moment after.
const store = createVisStore(settings, { fetchText: browserFetchText, refineJacobianMs: 200 });
store.getState().setUrlProblems(problems);
syncUrl(store);
persistSession(store, storage);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
