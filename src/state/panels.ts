/**
 * The panel registry: every panel the visualizer has, in one table. The full page, the embed page,
 * the <gate-scope> element, the URL codec, the panel picker and the share dialog all read it, so a
 * new panel is one row here plus its view in the app's `Record<PanelId, ComponentType>`.
 */

export interface PanelSpec {
  id: string;
  /** the panel's name in the panel picker and the share dialog */
  title: string;
  /** the panel's heading and its region's accessible name, when shorter than the title */
  heading?: string;
  /** shown on a fresh page */
  onByDefault: boolean;
  /** an embed (iframe or element) may show it */
  embeddable: boolean;
  /** the full page's heading has a toggle that collapses it to its heading (then it renders nothing else) */
  collapsible: boolean;
}

/** Every panel, in the order the URL, the panel picker and the share dialog list them. */
export const PANELS = [
  { id: 'diagram', title: 'Cell diagram', onByDefault: true, embeddable: true, collapsible: true },
  { id: 'heatmaps', title: 'Heatmaps over time', onByDefault: true, embeddable: true, collapsible: true },
  { id: 'prediction', title: 'Prediction track', onByDefault: true, embeddable: true, collapsible: true },
  { id: 'gradient', title: 'Gradient flow', onByDefault: true, embeddable: true, collapsible: true },
  { id: 'equations', title: 'Equations', onByDefault: true, embeddable: true, collapsible: true },
  { id: 'knobs', title: 'Knobs', onByDefault: true, embeddable: true, collapsible: true },
  // Opens on request ("Train a model"), so the default page stays light; an embed never loads the trainer.
  // Not collapsible: collapsing unmounts a panel, which would stop training (the header button closes it).
  { id: 'train', title: 'Train a model', heading: 'Train', onByDefault: false, embeddable: false, collapsible: false },
] as const satisfies readonly PanelSpec[];

export type PanelId = (typeof PANELS)[number]['id'];

/** The panels an embed can show (the compiler keeps the embed's views in step with the registry). */
export type EmbedPanelId = Extract<(typeof PANELS)[number], { embeddable: true }>['id'];

function isEmbeddable(id: PanelId): id is EmbedPanelId {
  return PANELS.some((p) => p.id === id && p.embeddable);
}

export const ALL_PANELS: readonly PanelId[] = PANELS.map((p) => p.id);

export const DEFAULT_PANELS: readonly PanelId[] = PANELS.filter((p) => p.onByDefault).map((p) => p.id);

/** Each panel's heading, also its name in the panel picker and the share dialog. */
export const PANEL_TITLE = Object.fromEntries(PANELS.map((p) => [p.id, p.title])) as Record<PanelId, string>;

/** Each panel's heading on the page (its region's accessible name). */
export const PANEL_HEADING = Object.fromEntries(
  PANELS.map((p: PanelSpec) => [p.id, p.heading ?? p.title]),
) as Record<PanelId, string>;

/**
 * Reading order of the page: the cell at work, its prediction, the maps, then the gradient story.
 * A group is one grid cell with its panels stacked: the knobs sit beside the gradient charts, so a
 * student moving one sees the other (and the equations below the knobs). Train, when open, comes
 * first: its settings sit right above the views its weights drive.
 */
export const PANEL_LAYOUT: readonly (PanelId | readonly PanelId[])[] = ['train', 'diagram', 'prediction', 'heatmaps', 'gradient', ['knobs', 'equations']];

/** The panels an embed can show, in the full page's reading order, one after another. */
export const EMBED_PANELS: readonly EmbedPanelId[] = PANEL_LAYOUT.flat().filter(isEmbeddable);

/** The panels an embed can show, by label, in registry order (training stays in the full app). */
export const PANEL_LABEL: Partial<Record<PanelId, string>> = Object.fromEntries(ALL_PANELS.filter(isEmbeddable).map((id) => [id, PANEL_TITLE[id]]));

/** The panels whose heading can collapse them on the full page. */
export const COLLAPSIBLE_PANELS: readonly PanelId[] = PANELS.filter((p: PanelSpec) => p.collapsible).map((p) => p.id);

/** `panels` in registry order, each once, unknown ids dropped. */
export function normalizePanels(panels: readonly PanelId[]): PanelId[] {
  return ALL_PANELS.filter((p) => panels.includes(p));
}
