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
  const data = useResource(async () => {
    const [statement, group] = await Promise.all([lifecycle.statements.get(statementId), api.groups.get(groupId)]);
    return { statement, group, approver: await approverSide(group) };
  }, statementId);
  useLive([`group:${groupId}`], () => void data.reload());

  if (data.loading) return <Loading />;
  if (!data.data) {
    return (
      <div className="page">
        <PageHeader title="Statement unavailable" />
        <FormAlert
          message={data.status === 404 ? 'This statement does not exist or is not open to you.' : data.error}
        />
        <Link to={`/groups/${groupId}/statements`}>Back to statements</Link>
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
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/groups">Groups</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/groups/${group.id}/statements`}>Statements</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">Revision {s.revision}</span>
      </nav>
      <PageHeader
        title="Joint statement"
        eyebrow={published ? <Badge tone="ok">Published</Badge> : <Badge>Draft</Badge>}
      >
        <p>
          {published && s.publishedAt
            ? `Published ${formatWhen(s.publishedAt)}, approved by a chair of every side.`
            : `Revision ${s.revision}, last changed ${formatWhen(s.updatedAt)}. ${s.approvals.length} of ${s.requiredSideIds.length} sides have approved this text.`}
        </p>
      </PageHeader>
      {published ? (
        <section className="published-banner" aria-label="Published">
          <div>
            <p className="published-banner__title">This statement is public.</p>
            <p className="muted small">Anyone can read it without signing in. It can no longer be changed.</p>
          </div>
          <div className="published-banner__links">
            <a className="btn btn--secondary" href={`/statements/${s.id}`}>
              Public page
            </a>
            <a className="btn btn--ghost" href="/statements/feed.atom">
              Atom feed
            </a>
            <a className="btn btn--ghost" href={`/statements/${s.id}.pdf`}>
              PDF
            </a>
          </div>
          <code className="published-banner__url">{`${origin}/statements/${s.id}`}</code>
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
