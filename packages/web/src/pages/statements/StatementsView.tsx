import type { JointStatement } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, SelectField, useAction } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { formatWhen } from '../../components/lifecycle/time';
import { useLive } from '../../components/lifecycle/useLive';
import { Badge, EmptyState, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useGroupContext } from '../group/context';
import { canWrite } from '../lifecycle-access';
import '../lifecycle.css';
import { bodyOf, type LanguageDraft, LanguageFields, NO_SECOND } from './languages';
import { STATEMENT_LIMIT } from './StatementEditor';

export function StatementsView() {
  const { group } = useGroupContext();
  const data = useResource(async () => {
    const [s, m] = await Promise.all([lifecycle.statements.list(group.id), lifecycle.meetings.list(group.id)]);
    return { statements: s.statements, meetings: m.meetings };
  }, group.id);
  useLive([`group:${group.id}`], () => void data.reload());
  const list = [...(data.data?.statements ?? [])].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));

  return (
    <div className="with-aside">
      <div className="stack">
        <FormAlert message={data.error} />
        {data.loading ? (
          <Loading />
        ) : list.length === 0 ? (
          <EmptyState title="No joint statements yet.">
            A statement is published only when a chair of every side has approved the exact same text.
          </EmptyState>
        ) : (
          <ul className="statement-list">
            {list.map((s) => (
              <StatementCard key={s.id} statement={s} groupId={group.id} />
            ))}
          </ul>
        )}
      </div>
      <aside className="aside">
        {canWrite(group) ? <NewStatement groupId={group.id} meetings={data.data?.meetings ?? []} /> : null}
        <p className="muted small aside__note">
          Published statements appear on the <a href="/statements">public page</a> and in its{' '}
          <a href="/statements/feed.atom">Atom feed</a>, without sign-in.
        </p>
      </aside>
    </div>
  );
}

export function StatementCard({
  statement: s,
  groupId,
  groupName,
}: {
  statement: JointStatement;
  groupId: string;
  groupName?: string;
}) {
  const approved = s.approvals.length;
  const needed = s.requiredSideIds.length;
  return (
    <li className={`statement-card statement-card--${s.status}`}>
      <div className="statement-card__head">
        {s.status === 'published' ? <Badge tone="ok">Published</Badge> : <Badge>Draft</Badge>}
        {s.status === 'draft' ? (
          <span className="statement-card__approvals">
            {approved} of {needed} sides approved
          </span>
        ) : null}
        <span className="muted small">
          {s.status === 'published' && s.publishedAt
            ? `Published ${formatWhen(s.publishedAt)}`
            : `Revision ${s.revision} · ${formatWhen(s.updatedAt)}`}
        </span>
      </div>
      <Link to={`/groups/${groupId}/statements/${s.id}`} className="statement-card__text">
        {s.text.length > 280 ? `${s.text.slice(0, 279)}…` : s.text}
      </Link>
      {groupName ? <p className="muted small">{groupName}</p> : null}
    </li>
  );
}

function NewStatement({ groupId, meetings }: { groupId: string; meetings: { id: string; title: string }[] }) {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [languages, setLanguages] = useState<LanguageDraft>({ language: 'en', ...NO_SECOND });
  const [meetingId, setMeetingId] = useState('');
  const create = useAction();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void create.run(async () => {
      const s = await lifecycle.statements.create(groupId, {
        text,
        meetingId: meetingId || null,
        ...bodyOf(languages),
      });
      navigate(`/groups/${groupId}/statements/${s.id}`);
    });
  };
  return (
    <Panel title="Draft a joint statement" description="Any delegate may draft; the chairs approve.">
      <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
        <FormAlert message={create.error} />
        <TextAreaField
          label="Statement text"
          value={text}
          onChange={setText}
          error={create.fields.text}
          rows={6}
          maxLength={STATEMENT_LIMIT}
          lang={languages.language.trim() || undefined}
          dir="auto"
        />
        <LanguageFields draft={languages} onChange={setLanguages} fields={create.fields} limit={STATEMENT_LIMIT} />
        <SelectField
          label="About the meeting"
          value={meetingId}
          onChange={setMeetingId}
          options={[
            { value: '', label: 'No particular meeting' },
            ...meetings.map((m) => ({ value: m.id, label: m.title })),
          ]}
          error={create.fields.meetingId}
        />
        <div>
          <button type="submit" className="btn btn--primary" disabled={create.busy}>
            Create draft
          </button>
        </div>
      </form>
    </Panel>
  );
}
