import { EditStatementBody, type Group, type JointStatement } from '@parley/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, useAction } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { maxLengthOf } from '../../components/limits';
import { Panel } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { canWrite } from '../lifecycle-access';
import { bodyOf, draftOf, LanguageFields, StatementTexts, sameLanguages } from './languages';

export const STATEMENT_LIMIT = maxLengthOf(EditStatementBody.shape.text);

/**
 * Edits name the hash of the text they started from (baseHash). If someone saved in between, the server answers
 * 409 and nothing is lost: the editor keeps this person's text and offers the choice.
 */
export function StatementEditor({
  statement: s,
  group,
  onDirty,
  onChanged,
}: {
  statement: JointStatement;
  group: Group;
  onDirty: (dirty: boolean) => void;
  onChanged: () => Promise<void>;
}) {
  const t = useT();
  const [text, setText] = useState(s.text);
  const [languages, setLanguages] = useState(draftOf(s));
  const [base, setBase] = useState({ hash: s.textHash, text: s.text, languages: draftOf(s) });
  const [conflict, setConflict] = useState(false);
  const save = useAction();
  const dirty = text !== base.text || !sameLanguages(languages, base.languages);
  const editable = s.status === 'draft' && canWrite(group);

  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  // Someone else's save arrives live: take it when nothing is being edited here, otherwise say so.
  useEffect(() => {
    if (s.textHash === base.hash) return;
    if (!dirty) {
      setText(s.text);
      setLanguages(draftOf(s));
      setBase({ hash: s.textHash, text: s.text, languages: draftOf(s) });
    }
  }, [s, base.hash, dirty]);
  const behind = s.textHash !== base.hash;

  const submit = (baseHash: string) =>
    void save.run(async () => {
      try {
        const r = await lifecycle.statements.edit(s.id, { text, ...bodyOf(languages), baseHash });
        setBase({ hash: r.textHash, text: r.text, languages: draftOf(r) });
        setText(r.text);
        setLanguages(draftOf(r));
        setConflict(false);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          setConflict(true);
          await onChanged();
          throw new Error(s.status === 'published' ? t('statements.publishedMeanwhile') : t('statements.conflict'));
        }
        throw err;
      }
      await onChanged();
    });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit(base.hash);
  };
  const takeLatest = () => {
    setText(s.text);
    setLanguages(draftOf(s));
    setBase({ hash: s.textHash, text: s.text, languages: draftOf(s) });
    setConflict(false);
    save.reset();
  };

  if (!editable) {
    return (
      <Panel title={t('statements.text')} id="statement-text">
        <StatementTexts {...s} />
      </Panel>
    );
  }
  return (
    <Panel title={t('statements.text')} id="statement-text" description={t('statements.textLede')}>
      <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
        {behind && (dirty || conflict) ? (
          <div className="alert alert--info" role="status">
            <p>{t('statements.staleRevision', { revision: s.revision })}</p>
            <div className="alert__actions">
              <button type="button" className="btn btn--secondary btn--small" onClick={takeLatest}>
                {t('statements.discardMine', { revision: s.revision })}
              </button>
              <button type="button" className="btn btn--ghost btn--small" onClick={() => submit(s.textHash)}>
                {t('statements.saveMine')}
              </button>
            </div>
          </div>
        ) : null}
        <FormAlert message={save.error} />
        <TextAreaField
          label={t('statements.textField')}
          className="statement-editor"
          value={text}
          onChange={setText}
          error={save.fields.text}
          rows={14}
          maxLength={STATEMENT_LIMIT}
          lang={languages.language.trim() || undefined}
          dir="auto"
        />
        <LanguageFields draft={languages} onChange={setLanguages} fields={save.fields} limit={STATEMENT_LIMIT} />
        <div className="form-actions">
          <p className="muted small">
            {s.approvals.length > 0
              ? t('statements.voids', { count: s.approvals.length })
              : t('statements.noApprovals')}
          </p>
          <div className="inline-buttons">
            {dirty ? (
              <button type="button" className="btn btn--ghost" onClick={takeLatest}>
                {t('statements.discardChanges')}
              </button>
            ) : null}
            <button type="submit" className="btn btn--primary" disabled={save.busy || !dirty}>
              {t('statements.saveText')}
            </button>
          </div>
        </div>
      </form>
    </Panel>
  );
}
