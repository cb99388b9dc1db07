import { NavLink, Outlet, useNavigate } from 'react-router';
import { useSession } from '../session';
import { ActiveAlertsBadge } from './ActiveAlertsBadge';

/** Left navigation, the signed-in user and the page beside it. */
export function Layout() {
  const { me, can, logout, status } = useSession();
  const navigate = useNavigate();
  const link = ({ isActive }: { isActive: boolean }) => (isActive ? 'nav-link active' : 'nav-link');
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            ▤
          </span>
          osdeck
        </div>
        <div className="nav-section">Fleet</div>
        <NavLink to="/hosts" end className={link}>
          Hosts
        </NavLink>
        <NavLink to="/monitoring" className={link}>
          Monitoring
        </NavLink>
        <NavLink to="/reports/compare" className={link}>
          Compare
        </NavLink>
        {can('host.write') && (
          <NavLink to="/hosts/new" className={link}>
            Add host
          </NavLink>
        )}
        <div className="nav-section">Operations</div>
        <NavLink to="/diagnose" className={link}>
          Diagnose
        </NavLink>
        <NavLink to="/migration" className={link}>
          Migration
        </NavLink>
        <NavLink to="/tuning" className={link}>
          Tuning
        </NavLink>
        <NavLink to="/jobs" className={link}>
          Jobs
        </NavLink>
        <NavLink to="/alerts" className={link}>
          Alerts
          <ActiveAlertsBadge />
        </NavLink>
        {can('audit.read') && (
          <NavLink to="/audit" className={link}>
            Audit log
          </NavLink>
        )}
        <div className="sidebar-foot">
          {me && (
            <div className="whoami" data-testid="whoami">
              <span className="whoami-name">{me.name}</span>
              <span className={`role role-${me.role}`}>{me.role}</span>
            </div>
          )}
          <button
            type="button"
            className="btn btn-ghost btn-block"
            onClick={async () => {
              await logout();
              navigate('/login');
            }}
          >
            Log out
          </button>
          {status && (
            <div className="server-info" title={`database ${status.database}, jobs ${status.queue}`}>
              v{status.version} · {status.database} · {status.queue}
            </div>
          )}
        </div>
      </nav>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
