import { Link } from 'react-router';
import { EmptyState, PageHeader } from '../components/ui';
import { useT } from '../i18n/I18nProvider';

export function NotFoundPage() {
  const t = useT();
  return (
    <div className="page">
      <PageHeader title={t('common.notFoundTitle')} />
      <EmptyState title={t('common.notFoundBody')}>
        <Link to="/groups">{t('common.backToGroups')}</Link>
      </EmptyState>
    </div>
  );
}
