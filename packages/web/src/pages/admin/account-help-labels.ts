import type { AccountHelpKind } from '@parley/protocol';
import { translatedRecord } from '../../i18n/intl';

export const KIND_LABELS: Record<AccountHelpKind, string> = translatedRecord(
  ['reset_second_factors', 'reset_password', 'disable', 'enable'],
  (kind) => `admin.kind_${kind}`,
);

export const STATUS_LABELS = translatedRecord(['open', 'done', 'declined'], (status) => `admin.status_${status}`);
