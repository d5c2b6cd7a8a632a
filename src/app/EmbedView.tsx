/**
 * The chrome-less visualizer shared by the embed page (embed.html, in an iframe) and the
 * <gate-scope> element: the chosen panels and whichever controls are not hidden, no page header
 * or footer, and a small link that opens the same view in the full app.
 */

import type { ComponentType } from 'react';
import { CellDiagramPanel } from '../components/CellDiagramPanel';
import { CellToggle } from '../components/CellToggle';
import { Equations } from '../components/Equations';
import { GradientFlow } from '../components/GradientFlow';
import { Heatmaps } from '../components/Heatmaps';
import { Knobs } from '../components/Knobs';
import { LiveAnnouncer } from '../components/LiveAnnouncer';
import { ModelPathLoader } from '../components/LoadModel';
import { ModelPicker } from '../components/ModelPicker';
import { Playback } from '../components/Playback';
import { PredictionTrack } from '../components/PredictionTrack';
import { SentenceInput } from '../components/SentenceInput';
import { TokenStrip } from '../components/TokenStrip';
import { useVis, useVisShallow } from '../state/context';
import type { HidePart } from '../state/embed';
import { EMBED_PANELS, type EmbedPanelId } from '../state/panels';
import { settingsOf, toHash } from '../state/url';
import '../components/embed.css';

/** Which component renders each panel an embed can show (the registry says which and in what order). */
const EMBED_VIEWS: Record<EmbedPanelId, ComponentType> = {
  diagram: CellDiagramPanel,
  prediction: PredictionTrack,
  heatmaps: Heatmaps,
  gradient: GradientFlow,
  knobs: Knobs,
  equations: Equations,
};

export interface EmbedViewProps {
  hide: readonly HidePart[];
  /** the full app's page (index.html) the "Open in gatescope" link points to */
  appUrl: string;
}

export function EmbedView({ hide, appUrl }: EmbedViewProps) {
  const panels = useVisShallow((s) => s.panels);
  const shown = (part: HidePart) => !hide.includes(part);
  const anyControl = shown('sentence') || shown('tokens') || shown('playback');
  return (
    <div className="app embed">
      {shown('model') || shown('cell') ? (
        <div className="embed-top">
          {shown('model') ? <ModelPicker /> : null}
          {shown('cell') ? <CellToggle /> : null}
        </div>
      ) : null}
      <EmbedNotices />
      <ModelPathLoader />
      {/* The announcer stays even with every control hidden: the step is still said in words. */}
      <section className={anyControl ? 'controls' : undefined} aria-label="Sentence and playback">
        {shown('sentence') ? <SentenceInput /> : null}
        {shown('tokens') ? <TokenStrip /> : null}
        {shown('playback') ? <Playback /> : null}
        <LiveAnnouncer />
      </section>
      <main className="panels">
        {EMBED_PANELS.filter((id) => panels.includes(id)).map((id) => {
          const View = EMBED_VIEWS[id];
          return <View key={id} />;
        })}
      </main>
      {shown('link') ? <OpenLink appUrl={appUrl} /> : null}
    </div>
  );
}

/** Model notices and problems with the embed's settings, so an author sees what went wrong. */
function EmbedNotices() {
  const notice = useVis((s) => s.notice);
  const problems = useVisShallow((s) => s.urlProblems);
  return (
    <>
      {notice ? <p className="model-notice">{notice}</p> : null}
      {problems.length > 0 ? (
        <div className="embed-problems" role="alert">
          Some settings of this embed could not be used, so their defaults are shown:
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

function OpenLink({ appUrl }: { appUrl: string }) {
  const hash = toHash(useVisShallow(settingsOf));
  return (
    <p className="embed-open">
      <a href={`${appUrl}${hash}`} target="_blank" rel="noopener">
        Open this view in gatescope
      </a>{' '}
      (every panel, your own sentence and model)
    </p>
  );
}
