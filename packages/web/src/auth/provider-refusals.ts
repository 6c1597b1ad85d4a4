import { OidcRefusal } from '@parley/protocol';
import type { MessageId } from '../i18n/catalogue';
import { t } from '../i18n/intl';

/** What the sign-in page says, in the reader's language, when a sign-in through an identity provider was refused. */
export const providerRefusal = (code: string | null): string | null => {
  if (!code) return null;
  const known = OidcRefusal.safeParse(code);
  return t(known.success ? (`errors.oidc_${known.data}` as MessageId) : 'errors.oidc_other');
};
