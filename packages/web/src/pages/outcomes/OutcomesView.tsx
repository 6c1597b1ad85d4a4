import type { Outcome, OutcomeKind, OutcomeStatus } from '@parley/protocol';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, SelectField } from '../../components/forms';
import { KIND_LABELS, OUTCOME_STATUS_LABELS } from '../../components/lifecycle/badges';
import { Modal } from '../../components/lifecycle/Modal';
import { useLive } from '../../components/lifecycle/useLive';
import { EmptyState, Loading } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useGroupContext } from '../group/context';
import { canWrite } from '../lifecycle-access';
import { OutcomeForm } from './OutcomeForm';
import { OutcomeTable } from './OutcomeTable';
import { StartTrackForm } from './StartTrackForm';
import '../lifecycle.css';

type Dialog = { type: 'create' } | { type: 'edit'; outcome: Outcome } | { type: 'track'; outcome: Outcome } | null;

export function OutcomesView() {
  const { group, roster } = useGroupContext();
  const [params, setParams] = useSearchParams();
  const filters = {
    kind: (params.get('kind') || undefined) as OutcomeKind | undefined,
    sideId: params.get('side') || undefined,
    status: (params.get('status') || undefined) as OutcomeStatus | undefined,
    meetingId: params.get('meeting') || undefined,
  };
  const key = `${group.id}?${params.toString()}`;
  const data = useResource(async () => {
    const [filtered, all, meetings] = await Promise.all([
      lifecycle.outcomes.list(group.id, filters),
      lifecycle.outcomes.list(group.id),
      lifecycle.meetings.list(group.id),
    ]);
    return { filtered: filtered.outcomes, all: all.outcomes, meetings: meetings.meetings };
  }, key);
  useLive([`group:${group.id}`], () => void data.reload());
  const [dialog, setDialog] = useState<Dialog>(params.get('new') ? { type: 'create' } : null);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('new');
    setParams(next, { replace: true });
  };
  const close = () => {
    setDialog(null);
    if (params.get('new')) setFilter('new', '');
  };
  const any = (list: { value: string; label: string }[], label: string) => [{ value: '', label }, ...list];
  const entries = (o: Record<string, string>) => Object.entries(o).map(([value, label]) => ({ value, label }));

  return (
    <div className="stack">
      <div className="toolbar toolbar--filters">
        <form className="filters" aria-label="Filter the register" onSubmit={(e) => e.preventDefault()}>
          <SelectField
            label="Kind"
            value={filters.kind ?? ''}
            onChange={(v) => setFilter('kind', v)}
            options={any(entries(KIND_LABELS), 'All kinds')}
          />
          <SelectField
            label="Side"
            value={filters.sideId ?? ''}
            onChange={(v) => setFilter('side', v)}
            options={any(
              group.sides.map((s) => ({ value: s.id, label: s.name })),
              'Any side',
            )}
          />
          <SelectField
            label="Status"
            value={filters.status ?? ''}
            onChange={(v) => setFilter('status', v)}
            options={any(entries(OUTCOME_STATUS_LABELS), 'Any status')}
          />
          <SelectField
            label="Meeting"
            value={filters.meetingId ?? ''}
            onChange={(v) => setFilter('meeting', v)}
            options={any(
              (data.data?.meetings ?? []).map((m) => ({ value: m.id, label: m.title })),
              'All meetings',
            )}
          />
        </form>
        {canWrite(group) ? (
          <button type="button" className="btn btn--primary" onClick={() => setDialog({ type: 'create' })}>
            Record an outcome
          </button>
        ) : null}
      </div>
      <FormAlert message={data.error} />
      {data.loading && !data.data ? (
        <Loading />
      ) : data.data && data.data.filtered.length === 0 ? (
        <EmptyState title={data.data.all.length === 0 ? 'The register is empty.' : 'Nothing matches these filters.'}>
          {data.data.all.length === 0 ? 'Agreements, concerns, commitments and actions are recorded here.' : null}
        </EmptyState>
      ) : data.data ? (
        <OutcomeTable
          outcomes={data.data.filtered}
          all={data.data.all}
          meetings={data.data.meetings}
          group={group}
          hideMeeting={!!filters.meetingId}
          onEdit={(o) => setDialog({ type: 'edit', outcome: o })}
          onStartTrack={(o) => setDialog({ type: 'track', outcome: o })}
        />
      ) : null}
      <Modal
        wide
        open={dialog?.type === 'create' || dialog?.type === 'edit'}
        onClose={close}
        title={dialog?.type === 'edit' ? 'Edit outcome' : 'Record an outcome'}
        description="Shared entries are visible to every side; side-only entries stay with yours."
      >
        {data.data && (dialog?.type === 'create' || dialog?.type === 'edit') ? (
          <OutcomeForm
            group={group}
            roster={roster}
            meetings={data.data.meetings}
            outcomes={data.data.all}
            editing={dialog.type === 'edit' ? dialog.outcome : null}
            preset={{ meetingId: filters.meetingId }}
            onCancel={close}
            onDone={async () => {
              close();
              await data.reload();
            }}
          />
        ) : null}
      </Modal>
      <Modal
        wide
        open={dialog?.type === 'track'}
        onClose={close}
        title="Start a follow-up track"
        description={`Experts from each side continue the work, overseen by the chairs of ${group.name}.`}
      >
        {dialog?.type === 'track' ? <StartTrackForm outcome={dialog.outcome} roster={roster} onCancel={close} /> : null}
      </Modal>
    </div>
  );
}
