import type { Group, StepUpCode } from '@parley/protocol';
import { api } from '../api/endpoints';
import { StepUpPrompt } from '../components/StepUpPrompt';
import { useResource } from '../components/useResource';

/**
 * The back channel is a chair's power: in a group that asks chairs signed in through an identity provider to step
 * up, the server refuses the thread until this session has (docs/threat-model.md, "Chair step-up"). Asking first
 * keeps the thread's device from starting and failing; `open` is false until the step-up is done.
 */
export function useBackChannelStepUp(group: Group, isChair: boolean) {
  const asked = isChair && group.chairStepUp;
  const status = useResource(
    () => (asked ? api.account.stepUpStatus() : Promise.resolve(null)),
    `${group.id}:${asked}`,
  );
  const s = status.data;
  const code: StepUpCode | null =
    s?.owed && !s.steppedUp ? (s.totp || s.passkeys > 0 ? 'chair_step_up_required' : 'chair_step_up_no_factor') : null;
  return {
    open: !asked || (s !== undefined && code === null),
    prompt: code ? (
      <StepUpPrompt code={code} onDone={() => void status.reload()} onCancel={() => void status.reload()} />
    ) : null,
  };
}
