import type { ThemePreference } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { useAuth, useUser } from '../../auth/session';
import { FormAlert, useAction } from '../../components/forms';
import { Panel } from '../../components/ui';
import type { MessageId } from '../../i18n/catalogue';
import { useT } from '../../i18n/I18nProvider';
import { applyTheme } from '../../theme';

const CHOICES = [
  { value: 'system', label: 'account.themeSystem' },
  { value: 'light', label: 'account.themeLight' },
  { value: 'dark', label: 'account.themeDark' },
] as const satisfies readonly { value: ThemePreference; label: MessageId }[];

/** Light, dark, or the device's own setting; kept in the profile, so it follows the person to every device. */
export function AppearancePanel() {
  const user = useUser();
  const { refresh } = useAuth();
  const action = useAction();
  const t = useT();

  const choose = (theme: ThemePreference) =>
    void action.run(async () => {
      applyTheme(theme);
      await api.account.setTheme(theme);
      await refresh();
    });

  return (
    <Panel title={t('account.appearance')} description={t('account.appearanceHelp')}>
      <div className="stack stack--tight">
        <FormAlert message={action.error} />
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('account.theme')}</legend>
          {CHOICES.map((c) => (
            <button
              key={c.value}
              type="button"
              aria-pressed={user.theme === c.value}
              disabled={action.busy}
              onClick={() => choose(c.value)}
            >
              {t(c.label)}
            </button>
          ))}
        </fieldset>
      </div>
    </Panel>
  );
}
