/** Browser entry: one store from the URL hash, models loaded same-origin, hash kept in sync. */

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { themeCss } from '../charts/theme';
import { browserFetchText } from '../state/models';
import { createVisStore } from '../state/store';
import { parseHash } from '../state/url';
import { App } from './App';
import { syncUrl } from './urlSync';
import './styles.css';

const theme = document.createElement('style');
theme.textContent = themeCss();
document.head.prepend(theme);

const { settings, problems } = parseHash(window.location.hash);
// Quick Jacobian norms while the student types or drags a knob, precise ones a moment after.
const store = createVisStore(settings, { fetchText: browserFetchText, refineJacobianMs: 200 });
if (problems.length > 0) store.setState({ urlProblems: problems });
syncUrl(store);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
