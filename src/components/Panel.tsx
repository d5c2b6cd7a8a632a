/**
 * The frame every panel sits in: a region named by its title, a "what to notice" caption for the
 * student, and an error boundary so one broken view never takes the page down.
 */

import { Component, useId, useState, type ErrorInfo, type ReactNode } from 'react';
import { PANEL_HEADING, type PanelId } from '../state/panels';

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
  // Bumping the key remounts the children: a reset that keeps everything in the store (the sentence).
  const [generation, setGeneration] = useState(0);
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId}>{title}</h2>
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
