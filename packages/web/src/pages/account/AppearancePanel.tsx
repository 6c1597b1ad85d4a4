import type { ThemePreference } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { useAuth, useUser } from '../../auth/session';
import { FormAlert, useAction } from '../../components/forms';
import { Panel } from '../../components/ui';
import { applyTheme } from '../../theme';

const CHOICES: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or the device's own setting; kept in the profile, so it follows the person to every device. */
export function AppearancePanel() {
  const user = useUser();
  const { refresh } = useAuth();
  const action = useAction();

  const choose = (theme: ThemePreference) =>
    void action.run(async () => {
      applyTheme(theme);
      await api.account.setTheme(theme);
      await refresh();
    });

  return (
    <Panel
      title="Appearance"
      description="System follows your device’s light or dark setting. The call room is always dark."
    >
      <div className="stack stack--tight">
        <FormAlert message={action.error} />
        <fieldset className="segmented">
          <legend className="visually-hidden">Theme</legend>
          {CHOICES.map((c) => (
            <button
              key={c.value}
              type="button"
              aria-pressed={user.theme === c.value}
              disabled={action.busy}
              onClick={() => choose(c.value)}
            >
              {c.label}
            </button>
          ))}
        </fieldset>
      </div>
    </Panel>
  );
}
