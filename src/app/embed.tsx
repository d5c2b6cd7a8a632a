/**
 * Entry of embed.html, the chrome-less page for iframes. It takes the app's hash settings plus
 * `hide=` (src/state/embed.ts), follows later hash changes (so a course page can drive it by
 * changing the iframe's src hash) but never writes history: an iframe's history entries would
 * hijack the course page's back button. It posts its height to the parent (src/app/resize.ts).
 */

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { VisStoreProvider } from '../state/context';
import { parseEmbedHash, type HidePart } from '../state/embed';
import { browserFetchText } from '../state/models';
import { DEFAULT_SETTINGS, createVisStore } from '../state/store';
import { adoptTheme } from './adoptTheme';
import { EmbedView } from './EmbedView';
import { reportHeight } from './resize';
import './styles.css';

adoptTheme();

const first = parseEmbedHash(window.location.hash);
const store = createVisStore(first.settings, { fetchText: browserFetchText, refineJacobianMs: 200 });
store.getState().setUrlProblems(first.problems);

const root = document.getElementById('root');
if (!root) throw new Error('embed.html has no #root element');
const reactRoot = createRoot(root);
const appUrl = new URL('./index.html', window.location.href).href.replace(/#.*$/, '');

function render(hide: HidePart[]): void {
  reactRoot.render(
    <StrictMode>
      <VisStoreProvider store={store}>
        <EmbedView hide={hide} appUrl={appUrl} />
      </VisStoreProvider>
    </StrictMode>,
  );
}
render(first.hide);

window.addEventListener('hashchange', () => {
  const next = parseEmbedHash(window.location.hash);
  store.getState().applySettings({ ...DEFAULT_SETTINGS, ...next.settings }, next.problems);
  render(next.hide);
});

reportHeight(document.body);
