import type { FloorState, Group, Side } from '@parley/protocol';
import { type CSSProperties, type FormEvent, useId, useState } from 'react';
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
  const { state } = floor;
  const now = useNow(!!state?.speaker, floor.skew);
  if (!state) return <p className="call-panel__hint">{floor.error ?? 'Loading the speakers’ list…'}</p>;
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
        <h3 id="floor-now-h">Has the floor</h3>
        {sp ? (
          <div className="floor__speaker" data-testid="floor-speaker">
            <SideCode side={sideOf(sp.sideId)} />
            <strong>{sp.displayName}</strong>
            <span className="floor__timer" title="Speaking for">
              <span className="visually-hidden">speaking for </span>
              {clock((now - Date.parse(sp.since)) / 1000)}
            </span>
          </div>
        ) : (
          <p className="call-panel__hint">
            {state.callRunning ? 'Nobody has the floor.' : 'The floor can be given once the call is running.'}
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
                ? `Give the floor to ${state.queue[0].displayName}`
                : 'Give the floor to the next speaker'}
            </button>
            {sp ? (
              <button
                type="button"
                className="btn btn--secondary btn--small"
                onClick={() => void floor.run((id) => floorApi.take(id))}
              >
                Take the floor back
              </button>
            ) : null}
          </div>
        ) : null}
      </section>
      <SideTimes group={group} state={state} now={now} floor={floor} isChair={isChair} />
      <section className="call-panel__section" aria-labelledby="floor-queue-h">
        <h3 id="floor-queue-h">Waiting to speak ({state.queue.length})</h3>
        {state.queue.length === 0 ? (
          <p className="call-panel__hint">Nobody has asked for the floor.</p>
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
                  <span>{q.addedByChair ? 'Added by a chair' : 'Raised their hand'}</span>
                </span>
                {isChair ? (
                  <span className="call-list__actions">
                    <button
                      type="button"
                      className="btn btn--secondary btn--small"
                      disabled={!state.callRunning}
                      aria-label={`Give floor to ${q.displayName}`}
                      onClick={() => void floor.run((id) => floorApi.give(id, q.userId))}
                    >
                      Give floor
                    </button>
                    <button
                      type="button"
                      className="btn btn--ghost btn--small"
                      aria-label={`Remove ${q.displayName} from the list`}
                      onClick={() => void floor.run((id) => floorApi.remove(id, q.userId))}
                    >
                      Remove
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
  return (
    <section className="call-panel__section" aria-labelledby="floor-sides-h">
      <h3 id="floor-sides-h">Speaking time per side</h3>
      <ul className="floor__sides">
        {state.sides.map((t) => {
          const side = group.sides.find((s) => s.id === t.sideId);
          const used = sideSeconds(state, t.sideId, now);
          const over = t.allowanceSeconds !== null && used >= t.allowanceSeconds;
          const share = t.allowanceSeconds ? Math.min(1, used / t.allowanceSeconds) : 0;
          return (
            <li key={t.sideId} className={`floor__side${over ? ' floor__side--over' : ''}`} data-side-id={t.sideId}>
              <span className="floor__side-head">
                <SideCode side={side} />
                <span className="floor__side-name">{side?.name ?? 'Another side'}</span>
                <span className="floor__side-time" data-testid="floor-side-time">
                  {clock(used)}
                  {t.allowanceSeconds !== null ? <span className="muted"> of {clock(t.allowanceSeconds)}</span> : null}
                </span>
              </span>
              {t.allowanceSeconds !== null ? (
                <span
                  className="floor__meter"
                  aria-hidden="true"
                  style={{ '--share': share, '--side': side?.colour } as CSSProperties}
                />
              ) : null}
              {over ? (
                <span className="floor__warn" data-testid="floor-allowance-spent">
                  {side?.shortCode ?? 'This side'} has used its time allowance
                </span>
              ) : null}
              {isChair && side ? <AllowanceForm side={side} current={t.allowanceSeconds} floor={floor} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function AllowanceForm({ side, current, floor }: { side: Side; current: number | null; floor: Floor }) {
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
      <label htmlFor={id}>Allowance for {side.shortCode} (minutes)</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={0.25}
        step={0.25}
        max={1440}
        value={minutes}
        placeholder="None"
        style={{ width: '7em' }}
        onChange={(e) => setMinutes(e.target.value)}
      />
      <button type="submit" className="btn btn--secondary btn--small">
        Set
      </button>
    </form>
  );
}

function AddName({ state, snap, floor }: { state: FloorState; snap: CallSnapshot; floor: Floor }) {
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
      <label htmlFor={id}>Put a name down</label>
      <select id={id} value={chosen} onChange={(e) => setUserId(e.target.value)}>
        <option value="">Choose someone in the call…</option>
        {candidates.map((p) => (
          <option key={p.userId} value={p.userId}>
            {p.displayName}
          </option>
        ))}
      </select>
      <button type="submit" className="btn btn--secondary btn--small" disabled={!chosen}>
        Add
      </button>
    </form>
  );
}
