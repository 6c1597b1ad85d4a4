import type { FloorState, Group, Side } from '@parley/protocol';
import { type CSSProperties, type FormEvent, useId, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import { floorApi } from './floor-api';
import type { CallSnapshot } from './snapshot';
import { clock, type Floor, sideSeconds, useNow } from './useFloor';

/**
 * The speakers' list: who has the floor and for how long, each side's time against its allowance, and the queue in
 * the order the chairs will call it. Chairs give and take the floor, strike or add names and set allowances here.
 */
export function FloorPanel({
  group,
  floor,
  snap,
  isChair,
}: {
  group: Group;
  floor: Floor;
  snap: CallSnapshot;
  isChair: boolean;
}) {
  const t = useT();
  const { state } = floor;
  const now = useNow(!!state?.speaker, floor.skew);
  if (!state) return <p className="call-panel__hint">{floor.error ?? t('negotiation.loading')}</p>;
  const sideOf = (id: string) => group.sides.find((s) => s.id === id);
  const sp = state.speaker;
  return (
    <div className="floor">
      {floor.error ? (
        <p className="field__error" role="alert">
          {floor.error}
        </p>
      ) : null}
      <section className="call-panel__section" aria-labelledby="floor-now-h">
        <h3 id="floor-now-h">{t('negotiation.hasFloor')}</h3>
        {sp ? (
          <div className="floor__speaker" data-testid="floor-speaker">
            <SideCode side={sideOf(sp.sideId)} />
            <strong>{sp.displayName}</strong>
            <span className="floor__timer" title={t('negotiation.speakingFor')}>
              <span className="visually-hidden">{t('negotiation.speakingFor')} </span>
              {clock((now - Date.parse(sp.since)) / 1000)}
            </span>
          </div>
        ) : (
          <p className="call-panel__hint">
            {state.callRunning ? t('negotiation.nobodyHasFloor') : t('negotiation.notRunning')}
          </p>
        )}
        {isChair ? (
          <div className="floor__actions">
            <button
              type="button"
              className="btn btn--primary btn--small"
              disabled={!state.callRunning || state.queue.length === 0}
              onClick={() => void floor.run((id) => floorApi.give(id))}
            >
              {state.queue[0]
                ? t('negotiation.giveTo', { name: state.queue[0].displayName })
                : t('negotiation.giveNext')}
            </button>
            {sp ? (
              <button
                type="button"
                className="btn btn--secondary btn--small"
                onClick={() => void floor.run((id) => floorApi.take(id))}
              >
                {t('negotiation.takeBack')}
              </button>
            ) : null}
          </div>
        ) : null}
      </section>
      <SideTimes group={group} state={state} now={now} floor={floor} isChair={isChair} />
      <section className="call-panel__section" aria-labelledby="floor-queue-h">
        <h3 id="floor-queue-h">{t('negotiation.queueHeading', { count: state.queue.length })}</h3>
        {state.queue.length === 0 ? (
          <p className="call-panel__hint">{t('negotiation.queueEmpty')}</p>
        ) : (
          <ol className="call-list floor__queue" data-testid="floor-queue">
            {state.queue.map((q, i) => (
              <li key={q.userId} className="call-list__row">
                <span className="floor__pos" aria-hidden="true">
                  {i + 1}
                </span>
                <SideCode side={sideOf(q.sideId)} />
                <span className="call-list__who">
                  <strong>{q.displayName}</strong>
                  <span>{q.addedByChair ? t('negotiation.addedByChair') : t('negotiation.raisedHand')}</span>
                </span>
                {isChair ? (
                  <span className="call-list__actions">
                    <button
                      type="button"
                      className="btn btn--secondary btn--small"
                      disabled={!state.callRunning}
                      aria-label={t('negotiation.giveFloorTo', { name: q.displayName })}
                      onClick={() => void floor.run((id) => floorApi.give(id, q.userId))}
                    >
                      {t('negotiation.giveFloor')}
                    </button>
                    <button
                      type="button"
                      className="btn btn--ghost btn--small"
                      aria-label={t('negotiation.removeFromList', { name: q.displayName })}
                      onClick={() => void floor.run((id) => floorApi.remove(id, q.userId))}
                    >
                      {t('negotiation.remove')}
                    </button>
                  </span>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {isChair ? <AddName state={state} snap={snap} floor={floor} /> : null}
      </section>
    </div>
  );
}

function SideCode({ side }: { side: Side | undefined }) {
  return side ? (
    <span className="side-code" style={{ '--side': side.colour } as CSSProperties} title={side.name}>
      {side.shortCode}
    </span>
  ) : null;
}

function SideTimes({
  group,
  state,
  now,
  floor,
  isChair,
}: {
  group: Group;
  state: FloorState;
  now: number;
  floor: Floor;
  isChair: boolean;
}) {
  const t = useT();
  return (
    <section className="call-panel__section" aria-labelledby="floor-sides-h">
      <h3 id="floor-sides-h">{t('negotiation.sideTimes')}</h3>
      <ul className="floor__sides">
        {state.sides.map((st) => {
          const side = group.sides.find((s) => s.id === st.sideId);
          const used = sideSeconds(state, st.sideId, now);
          const over = st.allowanceSeconds !== null && used >= st.allowanceSeconds;
          const share = st.allowanceSeconds ? Math.min(1, used / st.allowanceSeconds) : 0;
          return (
            <li key={st.sideId} className={`floor__side${over ? ' floor__side--over' : ''}`} data-side-id={st.sideId}>
              <span className="floor__side-head">
                <SideCode side={side} />
                <span className="floor__side-name">{side?.name ?? t('negotiation.anotherSide')}</span>
                <span className="floor__side-time" data-testid="floor-side-time">
                  {clock(used)}
                  {st.allowanceSeconds !== null ? (
                    <span className="muted"> {t('negotiation.ofAllowance', { time: clock(st.allowanceSeconds) })}</span>
                  ) : null}
                </span>
              </span>
              {st.allowanceSeconds !== null ? (
                <span
                  className="floor__meter"
                  aria-hidden="true"
                  style={{ '--share': share, '--side': side?.colour } as CSSProperties}
                />
              ) : null}
              {over ? (
                <span className="floor__warn" data-testid="floor-allowance-spent">
                  {t('negotiation.allowanceSpent', { side: side?.shortCode ?? t('negotiation.thisSide') })}
                </span>
              ) : null}
              {isChair && side ? <AllowanceForm side={side} current={st.allowanceSeconds} floor={floor} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function AllowanceForm({ side, current, floor }: { side: Side; current: number | null; floor: Floor }) {
  const t = useT();
  const id = useId();
  const [minutes, setMinutes] = useState(current ? String(current / 60) : '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(minutes);
    const seconds = minutes.trim() === '' ? null : Math.round(n * 60);
    void floor.run((mid) => floorApi.allowance(mid, side.id, seconds));
  };
  return (
    <form className="floor__allowance" onSubmit={submit}>
      <label htmlFor={id}>{t('negotiation.allowanceFor', { side: side.shortCode })}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={0.25}
        step={0.25}
        max={1440}
        value={minutes}
        placeholder={t('negotiation.none')}
        style={{ width: '7em' }}
        onChange={(e) => setMinutes(e.target.value)}
      />
      <button type="submit" className="btn btn--secondary btn--small">
        {t('negotiation.set')}
      </button>
    </form>
  );
}

function AddName({ state, snap, floor }: { state: FloorState; snap: CallSnapshot; floor: Floor }) {
  const t = useT();
  const id = useId();
  const queued = new Set(state.queue.map((q) => q.userId));
  const candidates = snap.participants.filter((p) => !queued.has(p.userId));
  const [userId, setUserId] = useState('');
  if (candidates.length === 0) return null;
  const chosen = candidates.some((c) => c.userId === userId) ? userId : '';
  return (
    <form
      className="floor__add"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen) void floor.run((mid) => floorApi.add(mid, chosen)).then(() => setUserId(''));
      }}
    >
      <label htmlFor={id}>{t('negotiation.putNameDown')}</label>
      <select id={id} value={chosen} onChange={(e) => setUserId(e.target.value)}>
        <option value="">{t('negotiation.chooseSomeone')}</option>
        {candidates.map((p) => (
          <option key={p.userId} value={p.userId}>
            {p.displayName}
          </option>
        ))}
      </select>
      <button type="submit" className="btn btn--secondary btn--small" disabled={!chosen}>
        {t('negotiation.add')}
      </button>
    </form>
  );
}
