import type { JointStatement } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { Link, useNavigate } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, SelectField, useAction } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { formatWhen } from '../../components/lifecycle/time';
import { useLive } from '../../components/lifecycle/useLive';
import { Badge, EmptyState, Loading, Panel } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { useGroupContext } from '../group/context';
import { canWrite } from '../lifecycle-access';
import '../lifecycle.css';
import { bodyOf, type LanguageDraft, LanguageFields, NO_SECOND } from './languages';
import { STATEMENT_LIMIT } from './StatementEditor';

export function StatementsView() {
  const { group } = useGroupContext();
  const t = useT();
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
          <EmptyState title={t('statements.none')}>{t('statements.groupEmpty')}</EmptyState>
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
          <FormattedMessage
            id="statements.whereNote"
            values={{
              page: (chunks) => <a href="/statements">{chunks}</a>,
              feed: (chunks) => <a href="/statements/feed.atom">{chunks}</a>,
            }}
          />
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
  const t = useT();
  const approved = s.approvals.length;
  const needed = s.requiredSideIds.length;
  return (
    <li className={`statement-card statement-card--${s.status}`}>
      <div className="statement-card__head">
        {s.status === 'published' ? (
          <Badge tone="ok">{t('statements.published')}</Badge>
        ) : (
          <Badge>{t('statements.draft')}</Badge>
        )}
        {s.status === 'draft' ? (
          <span className="statement-card__approvals">{t('statements.sidesApproved', { approved, needed })}</span>
        ) : null}
        <span className="muted small">
          {s.status === 'published' && s.publishedAt
            ? t('statements.publishedOn', { when: formatWhen(s.publishedAt) })
            : `${t('statements.revision', { revision: s.revision })} · ${formatWhen(s.updatedAt)}`}
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
  const t = useT();
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
    <Panel title={t('statements.draftTitle')} description={t('statements.draftLedeShort')}>
      <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
        <FormAlert message={create.error} />
        <TextAreaField
          label={t('statements.textField')}
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
          label={t('statements.aboutMeeting')}
          value={meetingId}
          onChange={setMeetingId}
          options={[
            { value: '', label: t('statements.noMeeting') },
            ...meetings.map((m) => ({ value: m.id, label: m.title })),
          ]}
          error={create.fields.meetingId}
        />
        <div>
          <button type="submit" className="btn btn--primary" disabled={create.busy}>
            {t('statements.createDraft')}
          </button>
        </div>
      </form>
    </Panel>
  );
}
