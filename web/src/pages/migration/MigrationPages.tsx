import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../not-found/NotFoundPage';
import { AssessmentPage } from './AssessmentPage';
import { MigrationPage } from './MigrationPage';
import { RunPage } from './RunPage';

/** /migration, /migration/assessments/:id and /migration/runs/:id. */
export function MigrationPages() {
  return (
    <Routes>
      <Route index element={<MigrationPage />} />
      <Route path="assessments/:id" element={<AssessmentPage />} />
      <Route path="runs/:id" element={<RunPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
