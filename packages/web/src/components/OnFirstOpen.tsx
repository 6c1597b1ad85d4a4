import { Component, type ReactNode, Suspense } from 'react';
import { useT } from '../i18n/I18nProvider';
import { EmptyState, Loading, PageHeader } from './ui';

/**
 * A page whose script loads when it is first opened (React.lazy). While it loads, the page says so; if it cannot
 * load (the connection dropped, or Parley was updated since this tab opened and the old script is gone), it says
 * that and offers a reload, instead of leaving a blank window.
 */
export function OnFirstOpen({ children }: { children: ReactNode }) {
  return (
    <LoadBoundary fallback={<LoadFailed />}>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </LoadBoundary>
  );
}

function LoadFailed() {
  const t = useT();
  return (
    <div className="page page-load-failed" role="alert">
      <PageHeader title={t('common.pageLoadFailedTitle')} />
      <EmptyState title={t('common.pageLoadFailedBody')}>
        <button type="button" className="btn btn--primary" onClick={() => window.location.reload()}>
          {t('common.reload')}
        </button>
      </EmptyState>
    </div>
  );
}

class LoadBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidCatch(error: unknown): void {
    console.error('page failed to load', error);
  }

  render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
