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
import { useT } from '../../i18n/I18nProvider';
import { useGroupContext } from '../group/context';
import { canWrite } from '../lifecycle-access';
import { OutcomeForm } from './OutcomeForm';
import { OutcomeTable } from './OutcomeTable';
import { StartTrackForm } from './StartTrackForm';
import '../lifecycle.css';

type Dialog = { type: 'create' } | { type: 'edit'; outcome: Outcome } | { type: 'track'; outcome: Outcome } | null;

export function OutcomesView() {
  const { group, roster } = useGroupContext();
  const t = useT();
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
        <form className="filters" aria-label={t('outcomes.filter')} onSubmit={(e) => e.preventDefault()}>
          <SelectField
            label={t('outcomes.kind')}
            value={filters.kind ?? ''}
            onChange={(v) => setFilter('kind', v)}
            options={any(entries(KIND_LABELS), t('outcomes.allKinds'))}
          />
          <SelectField
            label={t('outcomes.side')}
            value={filters.sideId ?? ''}
            onChange={(v) => setFilter('side', v)}
            options={any(
              group.sides.map((s) => ({ value: s.id, label: s.name })),
              t('outcomes.anySide'),
            )}
          />
          <SelectField
            label={t('outcomes.status')}
            value={filters.status ?? ''}
            onChange={(v) => setFilter('status', v)}
            options={any(entries(OUTCOME_STATUS_LABELS), t('outcomes.anyStatus'))}
          />
          <SelectField
            label={t('outcomes.meeting')}
            value={filters.meetingId ?? ''}
            onChange={(v) => setFilter('meeting', v)}
            options={any(
              (data.data?.meetings ?? []).map((m) => ({ value: m.id, label: m.title })),
              t('outcomes.allMeetings'),
            )}
          />
        </form>
        {canWrite(group) ? (
          <button type="button" className="btn btn--primary" onClick={() => setDialog({ type: 'create' })}>
            {t('outcomes.record')}
          </button>
        ) : null}
      </div>
      <FormAlert message={data.error} />
      {data.loading && !data.data ? (
        <Loading />
      ) : data.data && data.data.filtered.length === 0 ? (
        <EmptyState title={data.data.all.length === 0 ? t('outcomes.registerEmpty') : t('outcomes.noMatch')}>
          {data.data.all.length === 0 ? t('outcomes.registerEmptyBody') : null}
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
        title={dialog?.type === 'edit' ? t('outcomes.editTitle') : t('outcomes.record')}
        description={t('outcomes.dialogLede')}
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
        title={t('outcomes.startTrack')}
        description={t('outcomes.startTrackLede', { group: group.name })}
      >
        {dialog?.type === 'track' ? <StartTrackForm outcome={dialog.outcome} roster={roster} onCancel={close} /> : null}
      </Modal>
    </div>
  );
}
