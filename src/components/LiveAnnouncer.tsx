/** A polite live region that says each step in words for screen-reader users. */

import { announcement } from '../state/selectors';
import { useVis } from '../state/context';

export function LiveAnnouncer() {
  const text = useVis(announcement);
  return (
    <p role="status" aria-live="polite" aria-atomic="true" className="live-region">
      {text}
    </p>
  );
}
