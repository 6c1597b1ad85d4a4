import type { MlsSession } from '../mls/index.js';
import type { MlsGroupClient } from './client.js';
import type { GroupPhase } from './phases.js';

/** Members other than the lowest leaf add a missing device after rank × this (docs/call-keys.md §5.2). */
export const ADD_FALLBACK_MS = 4000;

/**
 * What the owner of a group (a call's key manager, a thread's) shows of it, read from the one client it drives, so
 * owners differ only in what is their own: keys for the worker, an archive, whom to add (docs/call-keys.md §2.1).
 */
export abstract class GroupHolder {
  protected abstract readonly group: MlsGroupClient;

  get phase(): GroupPhase {
    return this.group.phase;
  }

  get error(): string | null {
    return this.group.error;
  }

  get session(): MlsSession | undefined {
    return this.group.session;
  }

  get groupId(): string | undefined {
    return this.group.groupId;
  }

  get safetyCode(): string | null {
    return this.group.safetyCode;
  }
}
