import type { JointStatement, Topic } from '@parley/protocol';
import { FormattedMessage } from 'react-intl';
import { api } from '../../api/endpoints';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { useLive } from '../../components/lifecycle/useLive';
import { EmptyState, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { StatementCard } from './StatementsView';
import '../lifecycle.css';

/** Drafts awaiting approval first, then what has been published, across every group the user can read. */
export function AllStatementsPage() {
  const t = useT();
  const data = useResource(async () => {
    const { groups } = await api.groups.list();
    const lists = await Promise.all(
      groups.map((g) => lifecycle.statements.list(g.id).catch(() => ({ statements: [] as JointStatement[] }))),
    );
    return { groups, statements: lists.flatMap((l) => l.statements) };
  }, '');
  useLive(
    (data.data?.groups ?? []).map((g) => `group:${g.id}` as Topic),
    () => void data.reload(),
  );
  const names = new Map((data.data?.groups ?? []).map((g) => [g.id, g.name]));
  const all = [...(data.data?.statements ?? [])].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  const drafts = all.filter((s) => s.status === 'draft');
  const published = all.filter((s) => s.status === 'published');

  return (
    <div className="page">
      <PageHeader title={t('statements.title')} eyebrow={t('common.workspace')}>
        <p>
          <FormattedMessage id="statements.allLede" values={{ link: (chunks) => <a href="/statements">{chunks}</a> }} />
        </p>
      </PageHeader>
      <FormAlert message={data.error} />
      {data.loading ? (
        <Loading />
      ) : all.length === 0 ? (
        <EmptyState title={t('statements.none')}>{t('statements.allEmpty')}</EmptyState>
      ) : (
        <>
          <section className="stack stack--tight" aria-labelledby="st-drafts">
            <h2 id="st-drafts" className="section-title">
              {t('statements.awaiting')} <span className="count">{drafts.length}</span>
            </h2>
            {drafts.length === 0 ? <p className="muted">{t('statements.noDrafts')}</p> : null}
            <ul className="statement-list">
              {drafts.map((s) => (
                <StatementCard key={s.id} statement={s} groupId={s.groupId} groupName={names.get(s.groupId)} />
              ))}
            </ul>
          </section>
          <section className="stack stack--tight" aria-labelledby="st-published">
            <h2 id="st-published" className="section-title">
              {t('statements.publishedHeading')} <span className="count">{published.length}</span>
            </h2>
            {published.length === 0 ? <p className="muted">{t('statements.nonePublished')}</p> : null}
            <ul className="statement-list">
              {published.map((s) => (
                <StatementCard key={s.id} statement={s} groupId={s.groupId} groupName={names.get(s.groupId)} />
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}
