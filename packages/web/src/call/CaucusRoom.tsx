import type { Side } from '@parley/protocol';
import { type CSSProperties, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import { locale } from '../i18n/intl';
import { callApi } from './api';
import type { CallContext } from './CallPage';
import { CallRoom } from './CallRoom';
import type { CaucusController } from './caucus';
import { useCaucusSession } from './caucus';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';
import { useCallSnapshot } from './useCallSession';
import './caucus.css';

/**
 * The call room with the side's caucus (docs/call-keys.md §12): the plenary, with a strip that offers the caucus to
 * its side (and says to the others only which side is in caucus); or, stepped out, the caucus's own room under a
 * banner that says who can hear it and leads back.
 */
export function CallRoomWithCaucus({
  ctx,
  session,
  snap,
  controller,
}: {
  ctx: CallContext;
  session: CallSession;
  snap: CallSnapshot;
  controller: CaucusController;
}) {
  const caucusSession = useCaucusSession(controller);
  const caucusSnap = useCallSnapshot(caucusSession);
  if (caucusSession)
    return (
      <CallRoom
        ctx={ctx}
        session={caucusSession}
        snap={caucusSnap}
        caucus
        banner={<CaucusBanner ctx={ctx} snap={caucusSnap} controller={controller} />}
      />
    );
  return (
    <CallRoom
      ctx={ctx}
      session={session}
      snap={snap}
      banner={<CaucusStrip ctx={ctx} snap={snap} controller={controller} />}
    />
  );
}

const mySide = (ctx: CallContext): Side | undefined =>
  ctx.group.sides.find((s) => s.id === ctx.group.myMembership?.sideId);
const isChair = (ctx: CallContext) => ctx.group.myMembership?.role === 'chair';
const sideStyle = (side: Side | undefined) => ({ '--side': side?.colour ?? '#667085' }) as CSSProperties;

function useAction() {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = (fn: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    fn()
      .catch((err: unknown) => setError(err instanceof Error ? err.message : t('negotiation.failed')))
      .finally(() => setBusy(false));
  };
  return { error, busy, run };
}

/** In the plenary: the side's caucus on offer, and which other sides are in caucus (nothing more is known). */
function CaucusStrip({
  ctx,
  snap,
  controller,
}: {
  ctx: CallContext;
  snap: CallSnapshot;
  controller: CaucusController;
}) {
  const t = useT();
  const side = mySide(ctx);
  const { error, busy, run } = useAction();
  const others = ctx.group.sides.filter((s) => s.id !== side?.id && snap.sidesInCaucus.includes(s.id));
  const open = snap.caucus;
  if (!open && !isChair(ctx) && others.length === 0) return null;
  const meetingId = ctx.meeting.id;
  return (
    <section className="caucus-strip" aria-label={t('negotiation.caucus')}>
      {others.map((s) => (
        <span key={s.id} className="caucus-pill" style={sideStyle(s)} role="status">
          <span className="caucus-pill__dot" aria-hidden="true" />
          {t('negotiation.sideInCaucus', { side: s.name })}
        </span>
      ))}
      {open ? (
        <>
          <span className="caucus-pill caucus-pill--mine" style={sideStyle(side)} role="status">
            <span className="caucus-pill__dot" aria-hidden="true" />
            {t('negotiation.ownInCaucus', {
              side: side?.name ?? t('negotiation.yourSide'),
              count: open.participantCount,
            })}
          </span>
          <button
            type="button"
            className="btn btn--primary btn--small"
            disabled={busy}
            onClick={() => run(() => controller.stepOut())}
          >
            {t('negotiation.stepOut')}
          </button>
          {isChair(ctx) ? (
            <button
              type="button"
              className="btn btn--ghost btn--small"
              disabled={busy}
              onClick={() => run(() => callApi.closeCaucus(meetingId))}
            >
              {t('negotiation.closeCaucus')}
            </button>
          ) : null}
        </>
      ) : isChair(ctx) ? (
        <button
          type="button"
          className="btn btn--secondary btn--small"
          disabled={busy}
          onClick={() =>
            run(async () => {
              await callApi.openCaucus(meetingId);
              // The roster names the new caucus a moment later; step out as soon as it does.
              for (let i = 0; i < 50 && !controller.plenary.snapshot().caucus; i++)
                await new Promise((r) => setTimeout(r, 100));
              await controller.stepOut();
            })
          }
          title={t('negotiation.openTitle')}
        >
          {side ? t('negotiation.openFor', { side: side.name }) : t('negotiation.openForYours')}
        </button>
      ) : null}
      {error ? (
        <span className="caucus-strip__error" role="alert">
          {error}
        </span>
      ) : null}
    </section>
  );
}

/** In the caucus: whose call this is, who cannot hear it, the way back; a chair's recall and close. */
function CaucusBanner({
  ctx,
  snap,
  controller,
}: {
  ctx: CallContext;
  snap: CallSnapshot;
  controller: CaucusController;
}) {
  const t = useT();
  const side = mySide(ctx);
  const others = ctx.group.sides.filter((s) => s.id !== side?.id).map((s) => s.name);
  const { error, busy, run } = useAction();
  const meetingId = ctx.meeting.id;
  return (
    <>
      <section className="caucus-banner" style={sideStyle(side)} aria-label={t('negotiation.caucus')}>
        <div className="caucus-banner__text">
          <strong>
            {side ? t('negotiation.bannerTitle', { side: side.name }) : t('negotiation.bannerTitleYours')}
          </strong>
          <span>
            {t('negotiation.bannerPrivate')}
            {others.length
              ? ` ${t('negotiation.bannerOthers', {
                  count: others.length,
                  sides: new Intl.ListFormat(locale(), { type: 'conjunction' }).format(others),
                })}`
              : ''}
          </span>
        </div>
        <div className="caucus-banner__actions">
          {isChair(ctx) ? (
            <>
              <button
                type="button"
                className="btn btn--ghost btn--small"
                disabled={busy}
                onClick={() => run(() => callApi.recallCaucus(meetingId))}
              >
                {t('negotiation.recallAll')}
              </button>
              <button
                type="button"
                className="btn btn--ghost btn--small"
                disabled={busy}
                onClick={() => run(() => callApi.closeCaucus(meetingId))}
              >
                {t('negotiation.closeCaucus')}
              </button>
            </>
          ) : null}
          <button type="button" className="btn btn--primary btn--small" onClick={() => void controller.back()}>
            {t('negotiation.backToPlenary')}
          </button>
        </div>
        {error ? (
          <span className="caucus-strip__error" role="alert">
            {error}
          </span>
        ) : null}
      </section>
      {snap.recalledBy ? (
        <div className="caucus-recall" role="alert">
          <span>{t('negotiation.recalled', { name: snap.recalledBy })}</span>
          <button type="button" className="btn btn--primary btn--small" onClick={() => void controller.back()}>
            {t('negotiation.returnToPlenary')}
          </button>
        </div>
      ) : null}
    </>
  );
}
