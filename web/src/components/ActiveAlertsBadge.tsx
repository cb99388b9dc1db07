import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';
import { usePolling } from '../use-polling';

const REFRESH_MS = 15_000;
const CHANGED = 'osdeck:alerts-changed';

/** Tells the navigation's alert count to ask again now (a rule was added or removed, or the alerts page refreshed). */
export function notifyAlertsChanged(): void {
  window.dispatchEvent(new Event(CHANGED));
}

/**
 * The number of alerts firing now, as a red badge beside the "Alerts" link: asked every 15 s
 * while the tab is visible. Nothing is shown when none fire, or when the count cannot be had.
 */
export function ActiveAlertsBadge() {
  const [count, setCount] = useState<number | null>(null);
  const load = useCallback(() => {
    api
      .activeAlerts()
      .then((a) => setCount(a.length))
      .catch(() => setCount(null));
  }, []);
  useEffect(() => {
    load();
    window.addEventListener(CHANGED, load);
    return () => window.removeEventListener(CHANGED, load);
  }, [load]);
  usePolling(load, REFRESH_MS);
  if (!count) return null;
  return (
    <span className="nav-badge" data-testid="alerts-count" title={`${count} alert${count === 1 ? '' : 's'} firing now`}>
      {count}
    </span>
  );
}
