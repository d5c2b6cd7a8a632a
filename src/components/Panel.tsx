/**
 * The frame every panel sits in: a region named by its title, a "what to notice" caption for the
 * student, and an error boundary so one broken view never takes the page down. On the full page a
 * toggle before the heading collapses the panel to its heading; the setting lives in the store (and
 * so in the link), and a collapsed panel renders nothing but its heading.
 */

import { Component, createContext, use, useId, useLayoutEffect, useRef, useState, type ErrorInfo, type ReactNode } from 'react';
import { useVis, useVisStore } from '../state/context';
import { COLLAPSIBLE_PANELS, PANEL_HEADING, type PanelId } from '../state/panels';

/** True where panel headings get a collapse toggle: the full page provides it, embeds do not. */
export const PanelsCollapsible = createContext(false);

/** Whether panel `id` is collapsed here (only where panels are collapsible). */
export function usePanelCollapsed(id: PanelId): boolean {
  const collapsible = use(PanelsCollapsible) && COLLAPSIBLE_PANELS.includes(id);
  const collapsed = useVis((s) => s.collapsed.includes(id));
  return collapsible && collapsed;
}

export interface PanelProps {
  /** which panel: its heading (the region's accessible name) comes from the panel registry */
  id: PanelId;
  /** one or two sentences: what a student should look for here */
  notice: ReactNode;
  /** CSS class added to the section, e.g. to span the full grid width */
  className?: string;
  /** extra controls shown at the right of the heading */
  actions?: ReactNode;
  children: ReactNode;
}

export function Panel({ id, notice, className, actions, children }: PanelProps) {
  const title = PANEL_HEADING[id];
  const headingId = useId();
  const collapsible = use(PanelsCollapsible) && COLLAPSIBLE_PANELS.includes(id);
  const collapsed = usePanelCollapsed(id);
  const store = useVisStore();
  // Bumping the key remounts the children: a reset that keeps everything in the store (the sentence).
  const [generation, setGeneration] = useState(0);
  if (collapsed) {
    return (
      <section className="panel is-collapsed" aria-labelledby={headingId} data-panel={id}>
        <div className="panel-head">
          <div className="panel-title">
            <CollapseToggle title={title} expanded={false} onToggle={() => store.getState().setPanelCollapsed(id, false)} />
            <h2 id={headingId}>{title}</h2>
          </div>
        </div>
      </section>
    );
  }
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={headingId} data-panel={id}>
      <div className="panel-head">
        <div className="panel-title">
          {collapsible ? <CollapseToggle title={title} expanded onToggle={() => store.getState().setPanelCollapsed(id, true)} /> : null}
          <h2 id={headingId}>{title}</h2>
        </div>
        {actions}
      </div>
      <p className="notice">
        <span className="notice-label">What to notice: </span>
        {notice}
      </p>
      <PanelBoundary key={generation} title={title} onReset={() => setGeneration((g) => g + 1)}>
        {children}
      </PanelBoundary>
    </section>
  );
}

/**
 * The toggle pressed last, when it had the focus. Collapsing swaps the panel's view for its bare
 * heading (and back), which mounts a new toggle: that one takes the focus back.
 */
let refocusTitle: string | null = null;

/** The disclosure button before a panel's heading: named by the panel, its state in aria-expanded. */
function CollapseToggle({ title, expanded, onToggle }: { title: string; expanded: boolean; onToggle: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    if (refocusTitle !== title) return;
    refocusTitle = null;
    ref.current?.focus();
  }, [title]);
  return (
    <button
      ref={ref}
      type="button"
      className="panel-collapse"
      aria-expanded={expanded}
      aria-label={title}
      title={expanded ? `Collapse ${title}` : `Expand ${title}`}
      onClick={(e) => {
        if (e.currentTarget === document.activeElement) refocusTitle = title;
        onToggle();
      }}
    >
      <svg width={12} height={12} viewBox="0 0 12 12" aria-hidden="true">
        <path d={expanded ? 'M2 4 L6 8 L10 4' : 'M4 2 L8 6 L4 10'} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}

interface BoundaryProps {
  title: string;
  onReset: () => void;
  children: ReactNode;
}

/** Error boundaries are still class components in React 19. */
export class PanelBoundary extends Component<BoundaryProps, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept for developers; the student sees the message below.
    console.warn(`gatescope: the ${this.props.title} panel failed`, error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return (
        <div role="alert" className="panel-error">
          <p>
            This panel ran into a problem and stopped: {this.state.error.message}. The rest of the page still works.
          </p>
          <button type="button" onClick={this.props.onReset}>
            Reset panel
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
