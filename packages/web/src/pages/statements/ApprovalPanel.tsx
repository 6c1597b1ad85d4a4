import type { Group, JointStatement, Side, StepUpCode } from '@parley/protocol';
import { type CSSProperties, useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, useAction } from '../../components/forms';
import { formatWhen } from '../../components/lifecycle/time';
import { StepUpPrompt, stepUpCodeOf } from '../../components/StepUpPrompt';
import { Panel, SideCode } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { hashPrefix } from './hash';

/**
 * One row per side whose chair must approve. An approval names the hash of the text it approved, so a row shows
 * exactly which text that was; the viewer may approve only the text they have in front of them, unedited.
 */
export function ApprovalPanel({
  statement,
  group,
  approverSideId,
  editorDirty,
  verified,
  onChanged,
}: {
  statement: JointStatement;
  group: Group;
  /** The side (of this statement's group) the viewer approves for, if they are an approving chair. */
  approverSideId: string | null;
  editorDirty: boolean;
  /** Whether this browser's own SHA-256 of the text matches the server's hash (null: not computed). */
  verified: boolean | null;
  onChanged: () => Promise<void>;
}) {
  const t = useT();
  const approve = useAction();
  const published = statement.status === 'published';
  const sides = statement.requiredSideIds
    .map((id) => group.sides.find((s) => s.id === id))
    .filter((s): s is Side => !!s);

  const [stepUp, setStepUp] = useState<StepUpCode | null>(null);
  const onApprove = () =>
    void approve.run(async () => {
      try {
        await lifecycle.statements.approve(statement.id, statement.textHash);
      } catch (err) {
        const code = stepUpCodeOf(err);
        if (!code) throw err;
        setStepUp(code);
        return;
      }
      setStepUp(null);
      await onChanged();
    });

  return (
    <Panel
      title={t('statements.approvals')}
      id="approvals"
      description={
        statement.approvedBy === 'parent-group-chairs' ? t('statements.approvalsParent') : t('statements.approvalsLede')
      }
    >
      <p className="hash-line">
        {t('statements.currentText')}{' '}
        <code title={statement.textHash} dir="ltr">
          sha256 {hashPrefix(statement.textHash)}
        </code>
        {verified === true ? <span className="hash-line__ok">✓ {t('statements.hashMatches')}</span> : null}
        {verified === false ? <span className="hash-line__bad">{t('statements.hashMismatch')}</span> : null}
      </p>
      <FormAlert message={approve.error} />
      {stepUp ? <StepUpPrompt code={stepUp} onDone={onApprove} onCancel={() => setStepUp(null)} /> : null}
      <ul className="approvals">
        {sides.map((side) => {
          const a = statement.approvals.find((x) => x.sideId === side.id);
          const mine = approverSideId === side.id;
          return (
            <li
              key={side.id}
              className={`approval ${a ? 'approval--done' : 'approval--pending'}`}
              style={{ '--side': side.colour } as CSSProperties}
              data-side={side.shortCode}
              aria-label={t(a ? 'statements.sideApproved' : 'statements.sidePending', { side: side.name })}
            >
              <SideCode side={side} />
              <div className="approval__body">
                <p className="approval__side">{side.name}</p>
                {a ? (
                  <p className="approval__state">
                    <span className="approval__mark" aria-hidden="true">
                      ✓
                    </span>{' '}
                    {t('statements.approvedBy')} <strong>{a.name}</strong> · {formatWhen(a.approvedAt)} ·{' '}
                    <code title={a.textHash} dir="ltr">
                      {hashPrefix(a.textHash)}
                    </code>
                  </p>
                ) : (
                  <p className="approval__state approval__state--pending">{t('statements.pending')}</p>
                )}
              </div>
              {mine && !a && !published ? (
                <button
                  type="button"
                  className="btn btn--primary"
                  onClick={onApprove}
                  disabled={approve.busy || editorDirty || verified === false}
                  title={editorDirty ? t('statements.saveFirst') : undefined}
                >
                  {t('statements.approve')}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {approverSideId && editorDirty ? <p className="muted small">{t('statements.unsavedNote')}</p> : null}
    </Panel>
  );
}
