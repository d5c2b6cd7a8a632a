/**
 * The full page: header with model and cell (one row on a laptop), the sentence with its tokens and
 * the playback bar (compact and sticky; collapsible on a phone), then the panels in a responsive
 * grid. Each panel owns its frame (src/components/Panel.tsx); on this page a panel's heading can
 * collapse it, and a collapsed panel's view is not mounted at all.
 */

import { lazy, Suspense, useEffect, useId, useRef, useState, type ComponentType } from 'react';
import type { StoreApi } from 'zustand';
import { CellToggle } from '../components/CellToggle';
import { Heatmaps } from '../components/Heatmaps';
import { LiveAnnouncer } from '../components/LiveAnnouncer';
import { ModelPicker } from '../components/ModelPicker';
import { Playback } from '../components/Playback';
import { PredictionTrack } from '../components/PredictionTrack';
import { SentenceInput } from '../components/SentenceInput';
import { Story } from '../components/Story';
import { TokenStrip } from '../components/TokenStrip';
import { trackStickyTop } from '../components/topInset';
import { VisStoreProvider, useVis, useVisShallow, useVisStore } from '../state/context';
import { ALL_PANELS, PANEL_LAYOUT, PANEL_TITLE, type PanelId } from '../state/panels';
import type { VisState } from '../state/store';
import { CellDiagramPanel } from '../components/CellDiagramPanel';
import { GradientFlow } from '../components/GradientFlow';
import { Equations } from '../components/Equations';
import { Knobs } from '../components/Knobs';
import { ExportMenu } from '../components/ExportMenu';
import { LoadModel } from '../components/LoadModel';
import { ShareDialog } from '../components/ShareDialog';
import { Panel, PanelsCollapsible, usePanelCollapsed } from '../components/Panel';

// Loaded when the student opens it: the default page does not pay for the training UI.
const LazyTrainPanel = lazy(() => import('../components/TrainPanel').then((m) => ({ default: m.TrainPanel })));
function TrainPanel() {
  return (
    <Suspense fallback={<p className="panel panel-wide">Loading the Train panel…</p>}>
      <LazyTrainPanel />
    </Suspense>
  );
}

/** Which component renders each panel (the registry, src/state/panels.ts, says which exist and where). */
const PANEL_VIEWS: Record<PanelId, ComponentType> = {
  diagram: CellDiagramPanel,
  heatmaps: Heatmaps,
  prediction: PredictionTrack,
  gradient: GradientFlow,
  equations: Equations,
  knobs: Knobs,
  train: TrainPanel,
};

export function App({ store }: { store?: StoreApi<VisState> }) {
  return (
    <VisStoreProvider store={store}>
      <Visualizer />
    </VisStoreProvider>
  );
}

export function Visualizer() {
  const panels = useVisShallow((s) => s.panels);
  // The sticky bar hides what scrolls under it: the panels there count as off screen.
  const controlsRef = useRef<HTMLElement>(null);
  useEffect(() => (controlsRef.current ? trackStickyTop(controlsRef.current) : undefined), []);
  // On a phone the bar folds to one line (the toggle and the step in words); on a laptop it is always open.
  const [barOpen, setBarOpen] = useState(true);
  const barBodyId = useId();
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <h1>gatescope</h1>
          <p className="tagline">Watch an RNN, LSTM or GRU read a sentence, gate by gate, and see how far its gradient reaches back.</p>
        </div>
        <div className="header-controls">
          <ModelPicker />
          <CellToggle />
          <TrainToggle />
          {/* ---- embed: load, share, export ---- */}
          <LoadModel />
          <ShareDialog />
          <ExportMenu />
        </div>
      </header>
      <Notices />
      <section ref={controlsRef} className={barOpen ? 'controls' : 'controls is-collapsed'} aria-label="Sentence and playback">
        <button type="button" className="controls-toggle" aria-expanded={barOpen} aria-controls={barBodyId} onClick={() => setBarOpen((o) => !o)}>
          <svg width={12} height={12} viewBox="0 0 12 12" aria-hidden="true">
            <path d={barOpen ? 'M2 4 L6 8 L10 4' : 'M4 2 L8 6 L4 10'} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Sentence and playback
        </button>
        <div id={barBodyId} className="controls-body">
          <SentenceInput />
          <TokenStrip />
          <Playback />
        </div>
        <LiveAnnouncer />
      </section>
      {/* The story first: the lesson in one chart, above the fold; the lab follows. */}
      <Story />
      <PanelPicker />
      <PanelsCollapsible value={true}>
        <main className="panels">
          {PANEL_LAYOUT.map((entry) => {
            if (typeof entry === 'string') return panels.includes(entry) ? <PanelView key={entry} id={entry} /> : null;
            const shown = entry.filter((id) => panels.includes(id));
            return shown.length > 0 ? (
              <div key={entry.join('+')} className="panel-column">
                {shown.map((id) => (
                  <PanelView key={id} id={id} />
                ))}
              </div>
            ) : null;
          })}
        </main>
      </PanelsCollapsible>
      <footer className="app-footer">
        <p>
          Keys: ← → step, Space play/pause, Home/End first/last token. Everything runs in your browser; the address bar holds the whole view, so a copied link shows
          the same thing.
        </p>
      </footer>
    </div>
  );
}

/** A panel's view, or only its heading while collapsed: then the view is not mounted and computes nothing. */
function PanelView({ id }: { id: PanelId }) {
  const collapsed = usePanelCollapsed(id);
  const View = PANEL_VIEWS[id];
  return collapsed ? <Panel id={id} notice={null}>{null}</Panel> : <View />;
}

function Notices() {
  const notice = useVis((s) => s.notice);
  const libraryProblems = useVisShallow((s) => s.library.problems);
  const urlProblems = useVisShallow((s) => s.urlProblems);
  const dismiss = useVis((s) => s.dismissUrlProblems);
  if (!notice && libraryProblems.length === 0 && urlProblems.length === 0) return null;
  return (
    <div className="notices">
      {notice ? <p className="model-notice">{notice}</p> : null}
      {urlProblems.length > 0 ? (
        <div className="url-problems" role="alert">
          <p>Some settings in this link could not be used, so their defaults are shown:</p>
          <ul>
            {urlProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <button type="button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      ) : null}
      {libraryProblems.length > 0 ? (
        <details className="library-problems">
          <summary>Model catalogue problems ({libraryProblems.length})</summary>
          <ul>
            {libraryProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function PanelPicker() {
  const panels = useVisShallow((s) => s.panels);
  const store = useVisStore();
  return (
    <details className="panel-picker">
      <summary>Panels</summary>
      <fieldset>
        <legend>Show panels</legend>
        {ALL_PANELS.map((id) => (
          <label key={id}>
            <input
              type="checkbox"
              checked={panels.includes(id)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                store.getState().setPanels(on ? [...panels, id] : panels.filter((p) => p !== id));
              }}
            />
            {PANEL_TITLE[id]}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

/** Opens or closes the Train panel; training code loads only once a run starts. */
function TrainToggle() {
  const open = useVis((s) => s.panels.includes('train'));
  const store = useVisStore();
  return (
    <button
      type="button"
      className="train-toggle"
      aria-pressed={open}
      onClick={() => {
        const panels = store.getState().panels;
        store.getState().setPanels(open ? panels.filter((p) => p !== 'train') : [...panels, 'train']);
      }}
    >
      Train a model
    </button>
  );
}
