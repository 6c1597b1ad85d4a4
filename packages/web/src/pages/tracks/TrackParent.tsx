import type { Group } from '@parley/protocol';
import { FormattedMessage } from 'react-intl';
import { Link } from 'react-router';
import { api } from '../../api/endpoints';
import { LineIcon } from '../../components/LineIcon';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';

/** For a track: its parent group and who oversees it. A delegate of the track only may not read the parent. */
export function TrackParent({ group }: { group: Group }) {
  const t = useT();
  const parentId = group.parentGroupId ?? '';
  const parent = useResource(() => (parentId ? api.groups.get(parentId) : Promise.reject(new Error('none'))), parentId);
  if (group.kind !== 'track' || !parentId) return null;
  const name = parent.data?.name;
  return (
    <p className="track-parent">
      <LineIcon className="track-parent__icon" d="M6 3v8a3 3 0 003 3h6M12 11l3 3-3 3" weight={1.5} />
      {name ? (
        <span>
          <FormattedMessage
            id="tracks.parentOf"
            values={{ name, link: (chunks) => <Link to={`/groups/${parentId}`}>{chunks}</Link> }}
          />
        </span>
      ) : (
        <span>{t('tracks.parentUnknown')}</span>
      )}
    </p>
  );
}
