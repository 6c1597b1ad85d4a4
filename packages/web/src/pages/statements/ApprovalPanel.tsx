import type { Group, JointStatement, Side, StepUpCode } from '@parley/protocol';
import { type CSSProperties, useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, useAction } from '../../components/forms';
import { formatWhen } from '../../components/lifecycle/time';
import { StepUpPrompt, stepUpCodeOf } from '../../components/StepUpPrompt';
import { Panel, SideCode } from '../../components/ui';
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
      title="Approvals"
      id="approvals"
      description={
        statement.approvedBy === 'parent-group-chairs'
          ? 'A chair of each side of the overseeing group approves. Any edit voids every approval.'
          : 'A chair of every side approves the exact text. Any edit voids every approval.'
      }
    >
      <p className="hash-line">
        Current text <code title={statement.textHash}>sha256 {hashPrefix(statement.textHash)}</code>
        {verified === true ? <span className="hash-line__ok">✓ matches the text shown</span> : null}
        {verified === false ? <span className="hash-line__bad">does not match the text shown; reload</span> : null}
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
              aria-label={`${side.name}: ${a ? 'approved' : 'pending'}`}
            >
              <SideCode side={side} />
              <div className="approval__body">
                <p className="approval__side">{side.name}</p>
                {a ? (
                  <p className="approval__state">
                    <span className="approval__mark" aria-hidden="true">
                      ✓
                    </span>{' '}
                    Approved by <strong>{a.name}</strong> · {formatWhen(a.approvedAt)} ·{' '}
                    <code title={a.textHash}>{hashPrefix(a.textHash)}</code>
                  </p>
                ) : (
                  <p className="approval__state approval__state--pending">Pending</p>
                )}
              </div>
              {mine && !a && !published ? (
                <button
                  type="button"
                  className="btn btn--primary"
                  onClick={onApprove}
                  disabled={approve.busy || editorDirty || verified === false}
                  title={editorDirty ? 'Save or discard your edits first' : undefined}
                >
                  Approve this exact text
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {approverSideId && editorDirty ? (
        <p className="muted small">You have unsaved edits; approve only once the text is what you mean to approve.</p>
      ) : null}
    </Panel>
  );
}
