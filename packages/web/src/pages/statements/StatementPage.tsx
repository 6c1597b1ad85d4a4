import { type Group, type JointStatement, statementDigestInput } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api/endpoints';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { formatWhen } from '../../components/lifecycle/time';
import { useLive } from '../../components/lifecycle/useLive';
import { Badge, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { ApprovalPanel } from './ApprovalPanel';
import { sha256Hex } from './hash';
import { StatementEditor } from './StatementEditor';
import '../lifecycle.css';

/** The side of `group` the viewer approves for: own side for a group's chair, the matching side for a track's overseer. */
async function approverSide(group: Group): Promise<string | null> {
  if (group.kind === 'group') return group.myMembership?.role === 'chair' ? group.myMembership.sideId : null;
  if (!group.parentGroupId) return null;
  const parent = await api.groups.get(group.parentGroupId).catch(() => null);
  const m = parent?.myMembership;
  if (!parent || m?.role !== 'chair') return null;
  const code = parent.sides.find((s) => s.id === m.sideId)?.shortCode;
  return group.sides.find((s) => s.shortCode === code)?.id ?? null;
}

export function StatementPage() {
  const { groupId = '', statementId = '' } = useParams();
  const t = useT();
  const data = useResource(async () => {
    const [statement, group] = await Promise.all([lifecycle.statements.get(statementId), api.groups.get(groupId)]);
    return { statement, group, approver: await approverSide(group) };
  }, statementId);
  useLive([`group:${groupId}`], () => void data.reload());

  if (data.loading) return <Loading />;
  if (!data.data) {
    return (
      <div className="page">
        <PageHeader title={t('statements.unavailable')} />
        <FormAlert message={data.status === 404 ? t('statements.unavailableBody') : data.error} />
        <Link to={`/groups/${groupId}/statements`}>{t('statements.back')}</Link>
      </div>
    );
  }
  return <StatementView {...data.data} reload={data.reload} />;
}

function StatementView({
  statement: s,
  group,
  approver,
  reload,
}: {
  statement: JointStatement;
  group: Group;
  approver: string | null;
  reload: () => Promise<void>;
}) {
  const t = useT();
  const [dirty, setDirty] = useState(false);
  const [verified, setVerified] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    void sha256Hex(statementDigestInput(s)).then((h) => live && setVerified(h === null ? null : h === s.textHash));
    return () => {
      live = false;
    };
  }, [s]);
  const published = s.status === 'published';
  const origin = window.location.origin;

  return (
    <div className="page">
      <nav aria-label={t('groups.breadcrumb')} className="breadcrumb">
        <Link to="/groups">{t('common.groups')}</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/groups/${group.id}/statements`}>{t('groups.statements')}</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{t('statements.revision', { revision: s.revision })}</span>
      </nav>
      <PageHeader
        title={t('statements.jointStatement')}
        eyebrow={
          published ? <Badge tone="ok">{t('statements.published')}</Badge> : <Badge>{t('statements.draft')}</Badge>
        }
      >
        <p>
          {published && s.publishedAt
            ? t('statements.publishedLede', { when: formatWhen(s.publishedAt) })
            : t('statements.draftLede', {
                revision: s.revision,
                when: formatWhen(s.updatedAt),
                approved: s.approvals.length,
                needed: s.requiredSideIds.length,
              })}
        </p>
      </PageHeader>
      {published ? (
        <section className="published-banner" aria-label={t('statements.published')}>
          <div>
            <p className="published-banner__title">{t('statements.isPublic')}</p>
            <p className="muted small">{t('statements.isPublicBody')}</p>
          </div>
          <div className="published-banner__links">
            <a className="btn btn--secondary" href={`/statements/${s.id}`}>
              {t('statements.publicPage')}
            </a>
            <a className="btn btn--ghost" href="/statements/feed.atom">
              {t('statements.atomFeed')}
            </a>
            <a className="btn btn--ghost" href={`/statements/${s.id}.pdf`}>
              PDF
            </a>
          </div>
          <code className="published-banner__url" dir="ltr">{`${origin}/statements/${s.id}`}</code>
        </section>
      ) : null}
      <div className="statement-layout">
        <StatementEditor statement={s} group={group} onDirty={setDirty} onChanged={reload} />
        <ApprovalPanel
          statement={s}
          group={group}
          approverSideId={approver}
          editorDirty={dirty}
          verified={verified}
          onChanged={reload}
        />
      </div>
    </div>
  );
}
