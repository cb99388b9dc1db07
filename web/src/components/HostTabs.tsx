import { NavLink } from 'react-router';

/** The tabs of one host: its page (facts, commands, activity), its metrics dashboard, diagnoses and tuning. */
export function HostTabs({ host }: { host: string }) {
  const base = `/hosts/${encodeURIComponent(host)}`;
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? 'tab active' : 'tab');
  return (
    <nav className="tabs" aria-label="Host views">
      <NavLink to={base} end className={cls}>
        Overview
      </NavLink>
      <NavLink to={`${base}/metrics`} className={cls}>
        Metrics
      </NavLink>
      <NavLink to={`/diagnose?host=${encodeURIComponent(host)}`} className={cls}>
        Diagnose
      </NavLink>
      <NavLink to={`${base}/tuning`} className={cls}>
        Tuning
      </NavLink>
    </nav>
  );
}
