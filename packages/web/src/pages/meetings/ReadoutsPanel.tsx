import type { Group, Meeting, Readout } from '@parley/protocol';
import type { CSSProperties } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert } from '../../components/forms';
import { formatWhen } from '../../components/lifecycle/time';
import { useLive } from '../../components/lifecycle/useLive';
import { Badge, Panel, SideCode } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { canWrite, sideById } from '../lifecycle-access';
import { OwnReadout, StartReadout } from './ReadoutEditor';

/** Each side's own account of the meeting: one's own side drafts (side-only), the other side's once published. */
export function ReadoutsPanel({ meeting, group }: { meeting: Meeting; group: Group }) {
  const t = useT();
  const readouts = useResource(() => lifecycle.readouts.list(group.id, meeting.id), meeting.id);
  useLive([`meeting:${meeting.id}`], () => void readouts.reload());
  const list = readouts.data?.readouts ?? [];
  const ownSideId = group.myMembership?.sideId;
  const own = list.find((r) => r.sideId === ownSideId);
  const others = list.filter((r) => r.sideId !== ownSideId && r.status === 'published');
  const reload = () => readouts.reload();

  return (
    <Panel title={t('readouts.title')} id="readouts" description={t('readouts.lede')}>
      <FormAlert message={readouts.error} />
      {ownSideId ? (
        own ? (
          <OwnReadout
            readout={own}
            group={group}
            onChanged={reload}
            sideOnlyMeeting={meeting.marking === 'side-only'}
          />
        ) : canWrite(group) ? (
          <StartReadout meeting={meeting} group={group} onChanged={reload} />
        ) : (
          <p className="muted">{t('readouts.noneYours')}</p>
        )
      ) : null}
      {others.map((r) => (
        <PublishedReadout key={r.id} readout={r} group={group} />
      ))}
      {!readouts.loading && others.length === 0 && group.sides.length > 1 ? (
        <p className="muted small">{t('readouts.noneOthers')}</p>
      ) : null}
    </Panel>
  );
}

function PublishedReadout({ readout, group }: { readout: Readout; group: Group }) {
  const t = useT();
  const side = sideById(group, readout.sideId);
  return (
    <article
      className="readout readout--published"
      style={{ '--side': side?.colour ?? 'var(--border)' } as CSSProperties}
      aria-label={t('readouts.of', { side: side?.name ?? t('meetings.anotherSide') })}
    >
      <header className="readout__head">
        {side ? <SideCode side={side} /> : null}
        <h3>{readout.title}</h3>
        <Badge tone="ok">{t('readouts.published')}</Badge>
      </header>
      <p className="readout__meta">
        {side?.name} ·{' '}
        {readout.publishedAt ? t('readouts.publishedAt', { when: formatWhen(readout.publishedAt) }) : null}
      </p>
      <div className="readout__text">{readout.text}</div>
    </article>
  );
}
