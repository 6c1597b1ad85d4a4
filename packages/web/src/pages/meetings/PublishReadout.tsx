import { useId, useState } from 'react';
import { Modal } from '../../components/lifecycle/Modal';
import { useT } from '../../i18n/I18nProvider';

/**
 * The chair's Publish button. Publishing cannot be taken back, so it asks first; while edits are unsaved it says why
 * it cannot be used instead of only greying out.
 */
export function PublishReadout({
  version,
  unsaved,
  busy,
  onPublish,
}: {
  version: number;
  unsaved: boolean;
  busy: boolean;
  onPublish: () => Promise<void>;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const whyId = useId();
  return (
    <>
      <button
        type="button"
        className="btn btn--primary"
        onClick={() => setAsking(true)}
        disabled={busy || unsaved}
        aria-describedby={whyId}
      >
        {t('readouts.publishVersion', { version })}
      </button>
      <span className="muted small" id={whyId} data-testid="publish-note">
        {unsaved ? t('readouts.publishUnsaved', { version }) : t('readouts.publishNote')}
      </span>
      <Modal
        open={asking}
        onClose={() => setAsking(false)}
        title={t('readouts.publishAsk', { version })}
        description={t('readouts.publishAskBody')}
      >
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={() => setAsking(false)}>
            {t('readouts.keepDraft')}
          </button>
          <button
            type="button"
            className="btn btn--primary"
            disabled={busy}
            onClick={() => {
              setAsking(false);
              void onPublish();
            }}
          >
            {t('readouts.publishFinal', { version })}
          </button>
        </div>
      </Modal>
    </>
  );
}
