import { CreateReadoutBody, type Group, type Meeting, type Readout } from '@parley/protocol';
import { type CSSProperties, type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { formatWhen } from '../../components/lifecycle/time';
import { limitsOf } from '../../components/limits';
import { Badge, SideCode, SideOnlyBadge } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { locale } from '../../i18n/intl';
import { canWrite, isChair, mySide } from '../lifecycle-access';
import { PublishReadout } from './PublishReadout';

const LIMITS = limitsOf(CreateReadoutBody);

export function StartReadout({
  meeting,
  group,
  onChanged,
}: {
  meeting: Meeting;
  group: Group;
  onChanged: () => Promise<void>;
}) {
  const t = useT();
  const [title, setTitle] = useState(() => t('readouts.defaultTitle', { title: meeting.title }));
  const [text, setText] = useState('');
  const create = useAction();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void create.run(async () => {
      await lifecycle.readouts.create(group.id, { meetingId: meeting.id, title, text });
      await onChanged();
    });
  };
  return (
    <form
      className="readout readout--draft stack stack--tight"
      onSubmit={onSubmit}
      noValidate
      aria-label={t('readouts.draftYours')}
    >
      <p className="readout__lead">
        <strong>{t('readouts.yours')}</strong> <SideOnlyBadge />{' '}
        {t('readouts.onlySideSees', { side: mySide(group)?.name ?? t('meetings.yourSide') })}
      </p>
      <FormAlert message={create.error} />
      <TextField
        label={t('readouts.titleField')}
        value={title}
        onChange={setTitle}
        error={create.fields.title}
        maxLength={LIMITS.title}
      />
      <TextAreaField
        label={t('readouts.textField')}
        value={text}
        onChange={setText}
        error={create.fields.text}
        rows={5}
        maxLength={LIMITS.text}
      />
      <div>
        <button type="submit" className="btn btn--primary" disabled={create.busy}>
          {t('readouts.saveFirst')}
        </button>
      </div>
    </form>
  );
}

export function OwnReadout({
  readout,
  group,
  onChanged,
  sideOnlyMeeting = false,
}: {
  readout: Readout;
  group: Group;
  onChanged: () => Promise<void>;
  /** A readout of a side-only meeting cannot be published until a chair shares the meeting. */
  sideOnlyMeeting?: boolean;
}) {
  const t = useT();
  const side = mySide(group);
  const [title, setTitle] = useState(readout.title);
  const [text, setText] = useState(readout.text);
  // The version this editor's text started from. Only a version newer than it counts as someone else's: the page's
  // copy of the readout lags behind this editor's own save until the reload (or the live update) brings it.
  const [base, setBase] = useState(() => ({ version: readout.version, title: readout.title, text: readout.text }));
  const versions = useResource(() => lifecycle.readouts.versions(readout.id), `${readout.id}:${readout.version}`);
  const save = useAction();
  const publish = useAction();
  const published = readout.status === 'published';
  const dirty = title !== base.title || text !== base.text;
  const newer = readout.version > base.version && !save.busy;

  // A newer version saved elsewhere replaces the editor's text only when nothing is being edited here.
  useEffect(() => {
    if (!newer || (dirty && !published)) return;
    setTitle(readout.title);
    setText(readout.text);
    setBase({ version: readout.version, title: readout.title, text: readout.text });
  }, [newer, dirty, published, readout.version, readout.title, readout.text]);
  const stale = newer && dirty && !published ? readout.version : null;

  const onSave = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      try {
        const r = await lifecycle.readouts.save(readout.id, { title, text, baseVersion: base.version });
        setBase({ version: r.version, title: r.title, text: r.text });
        setTitle(r.title);
        setText(r.text);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          await onChanged();
          throw new Error(t('readouts.conflict'));
        }
        throw err;
      }
      await onChanged();
    });
  };
  const loadLatest = () => {
    setTitle(readout.title);
    setText(readout.text);
    setBase({ version: readout.version, title: readout.title, text: readout.text });
    save.reset();
  };
  const onPublish = () =>
    publish.run(async () => {
      await lifecycle.readouts.publish(readout.id, base.version);
      await onChanged();
    });

  return (
    <article
      className={`readout ${published ? 'readout--published' : 'readout--draft'}`}
      style={{ '--side': side?.colour ?? 'var(--border)' } as CSSProperties}
      aria-label={t('readouts.yours')}
    >
      <header className="readout__head">
        {side ? <SideCode side={side} /> : null}
        <h3>{published ? readout.title : t('readouts.yours')}</h3>
        {published ? (
          <Badge tone="ok">{t('readouts.published')}</Badge>
        ) : (
          <Badge>{t('readouts.draftVersion', { version: readout.version })}</Badge>
        )}
        {published ? null : <SideOnlyBadge />}
      </header>
      <p className="readout__meta">
        {t('readouts.writtenBy', {
          names: readout.authors.length
            ? new Intl.ListFormat(locale(), { type: 'unit' }).format(readout.authors.map((a) => a.name))
            : '—',
        })}
        {published && readout.publishedAt
          ? ` · ${t('readouts.versionPublished', { version: readout.publishedVersion, when: formatWhen(readout.publishedAt) })}`
          : ''}
      </p>
      {published ? (
        <div className="readout__text">{readout.text}</div>
      ) : canWrite(group) ? (
        <form className="stack stack--tight" onSubmit={onSave} noValidate>
          {stale ? (
            <div className="alert alert--info" role="status">
              {t('readouts.staleVersion', { version: stale })}{' '}
              <button type="button" className="btn btn--link" onClick={loadLatest}>
                {t('readouts.loadLatest')}
              </button>
            </div>
          ) : null}
          <FormAlert message={save.error} />
          <TextField
            label={t('readouts.titleField')}
            value={title}
            onChange={setTitle}
            error={save.fields.title}
            maxLength={LIMITS.title}
          />
          <TextAreaField
            label={t('readouts.textField')}
            value={text}
            onChange={setText}
            error={save.fields.text}
            rows={6}
            maxLength={LIMITS.text}
          />
          <div className="readout__actions">
            <button type="submit" className="btn btn--secondary" disabled={save.busy || !dirty}>
              {t('readouts.saveAs', { version: base.version + 1 })}
            </button>
            {isChair(group) && !sideOnlyMeeting ? (
              <PublishReadout
                version={base.version}
                unsaved={dirty}
                busy={publish.busy || save.busy}
                onPublish={async () => {
                  await onPublish();
                }}
              />
            ) : null}
            {sideOnlyMeeting ? <span className="muted small">{t('readouts.sideOnlyMeeting')}</span> : null}
          </div>
          <FormAlert message={publish.error} />
        </form>
      ) : (
        <div className="readout__text">{readout.text}</div>
      )}
      {versions.data && versions.data.versions.length > 0 ? (
        <details className="versions">
          <summary>{t('readouts.versions', { count: versions.data.versions.length })}</summary>
          <ol className="versions__list" reversed>
            {[...versions.data.versions].reverse().map((v) => (
              <li key={v.version}>
                <span className="versions__num">{t('readouts.versionShort', { version: v.version })}</span>{' '}
                {v.author.name} · <time dateTime={v.createdAt}>{formatWhen(v.createdAt)}</time>
                {readout.publishedVersion === v.version ? <Badge tone="ok">{t('readouts.published')}</Badge> : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </article>
  );
}
