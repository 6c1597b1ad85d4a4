import { Link } from 'react-router';
import { EmptyState, PageHeader } from '../components/ui';

export function NotFoundPage() {
  return (
    <div className="page">
      <PageHeader title="Page not found" />
      <EmptyState title="There is nothing at this address.">
        <Link to="/groups">Back to your groups</Link>
      </EmptyState>
    </div>
  );
}
