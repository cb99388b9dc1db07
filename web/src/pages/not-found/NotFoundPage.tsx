import { Link } from 'react-router';
import { PageHeader } from '../../components/PageHeader';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        Nothing lives here. Go to the <Link to="/hosts">fleet</Link>.
      </p>
    </>
  );
}
