import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { RequireSetupDone, RequireUser } from './components/RouteGuards';
import { Layout } from './components/Layout';
import { AlertsPage } from './pages/alerts/AlertsPage';
import { ComparePage } from './pages/compare/ComparePage';
import { DiagnosePage } from './pages/diagnose/DiagnosePage';
import { DiagnosisReportPage } from './pages/diagnosis-report/DiagnosisReportPage';
import { DiagnosisRunPage } from './pages/diagnosis-run/DiagnosisRunPage';
import { AddHostPage } from './pages/add-host/AddHostPage';
import { AuditPage } from './pages/audit/AuditPage';
import { FleetPage } from './pages/fleet/FleetPage';
import { HostPage } from './pages/host/HostPage';
import { HostMetricsPage } from './pages/host-metrics/HostMetricsPage';
import { HostTuningPage } from './pages/host-tuning/HostTuningPage';
import { JobPage } from './pages/job/JobPage';
import { JobsPage } from './pages/jobs/JobsPage';
import { LoginPage } from './pages/login/LoginPage';
import { MigrationRoutes } from './pages/migration/MigrationRoutes';
import { MonitoringPage } from './pages/monitoring/MonitoringPage';
import { NotFoundPage } from './pages/not-found/NotFoundPage';
import { SetupPage } from './pages/setup/SetupPage';
import { TuningPage } from './pages/tuning/TuningPage';
import { SessionProvider } from './session';
import './styles.css';

function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route path="/setup" element={<SetupPage />} />
          <Route
            path="/login"
            element={
              <RequireSetupDone>
                <LoginPage />
              </RequireSetupDone>
            }
          />
          <Route
            element={
              <RequireUser>
                <Layout />
              </RequireUser>
            }
          >
            <Route index element={<Navigate to="/hosts" replace />} />
            <Route path="/hosts" element={<FleetPage />} />
            <Route path="/hosts/new" element={<AddHostPage />} />
            <Route path="/hosts/:name" element={<HostPage />} />
            <Route path="/hosts/:name/metrics" element={<HostMetricsPage />} />
            <Route path="/hosts/:name/tuning" element={<HostTuningPage />} />
            <Route path="/monitoring" element={<MonitoringPage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/jobs/:id" element={<JobPage />} />
            <Route path="/alerts" element={<AlertsPage />} />
            <Route path="/diagnose" element={<DiagnosePage />} />
            <Route path="/diagnose/jobs/:id" element={<DiagnosisRunPage />} />
            <Route path="/diagnose/reports/:id" element={<DiagnosisReportPage />} />
            <Route path="/tuning" element={<TuningPage />} />
            <Route path="/migration/*" element={<MigrationRoutes />} />
            <Route path="/reports/compare" element={<ComparePage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
