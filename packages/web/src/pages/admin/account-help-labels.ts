import type { AccountHelpKind } from '@parley/protocol';

export const KIND_LABELS: Record<AccountHelpKind, string> = {
  reset_second_factors: 'Reset second factors',
  reset_password: 'Reset password',
  disable: 'Disable account',
  enable: 'Re-enable account',
};

export const STATUS_LABELS = { open: 'Waiting', done: 'Done', declined: 'Declined' } as const;
