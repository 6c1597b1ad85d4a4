import { useId, useState } from 'react';
import { Modal } from '../../components/lifecycle/Modal';

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
        Publish version {version}
      </button>
      <span className="muted small" id={whyId} data-testid="publish-note">
        {unsaved
          ? `Save your changes first: only a saved version can be published, and version ${version} does not have them.`
          : 'Publishing shows this version to every side and on the public statements page. It is final.'}
      </span>
      <Modal
        open={asking}
        onClose={() => setAsking(false)}
        title={`Publish version ${version}?`}
        description="Every side will see it, and anyone can read it on the public statements page and its feed. Once published it cannot be withdrawn or changed."
      >
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={() => setAsking(false)}>
            Keep it a draft
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
            Publish version {version}, it is final
          </button>
        </div>
      </Modal>
    </>
  );
}
