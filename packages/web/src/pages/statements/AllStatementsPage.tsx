import type { JointStatement, Topic } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { useLive } from '../../components/lifecycle/useLive';
import { EmptyState, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { StatementCard } from './StatementsView';
import '../lifecycle.css';

/** Drafts awaiting approval first, then what has been published, across every group the user can read. */
export function AllStatementsPage() {
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
      <PageHeader title="Joint statements" eyebrow="Workspace">
        <p>
          A statement goes out only when a chair of every side approves the exact same text. Published statements are on
          the <a href="/statements">public page</a>.
        </p>
      </PageHeader>
      <FormAlert message={data.error} />
      {data.loading ? (
        <Loading />
      ) : all.length === 0 ? (
        <EmptyState title="No joint statements yet.">Drafts are started from a group’s Statements tab.</EmptyState>
      ) : (
        <>
          <section className="stack stack--tight" aria-labelledby="st-drafts">
            <h2 id="st-drafts" className="section-title">
              Awaiting approval <span className="count">{drafts.length}</span>
            </h2>
            {drafts.length === 0 ? <p className="muted">No drafts.</p> : null}
            <ul className="statement-list">
              {drafts.map((s) => (
                <StatementCard key={s.id} statement={s} groupId={s.groupId} groupName={names.get(s.groupId)} />
              ))}
            </ul>
          </section>
          <section className="stack stack--tight" aria-labelledby="st-published">
            <h2 id="st-published" className="section-title">
              Published <span className="count">{published.length}</span>
            </h2>
            {published.length === 0 ? <p className="muted">Nothing published yet.</p> : null}
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
