import { Suspense, lazy } from 'react';
import { Loading } from '../../components/PageHeader';

const MigrationPages = lazy(() => import('./MigrationPages').then((m) => ({ default: m.MigrationPages })));

/** The migration pages, loaded on the first visit: their own chunk keeps the console's main bundle small. */
export function MigrationRoutes() {
  return (
    <Suspense fallback={<Loading what="the migration pages" />}>
      <MigrationPages />
    </Suspense>
  );
}
