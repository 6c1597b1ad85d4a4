import { type LanguagePreference, UI_LANGUAGES } from '@parley/protocol';
import { api } from '../../api/endpoints';
import { useAuth, useUser } from '../../auth/session';
import { FormAlert, useAction } from '../../components/forms';
import { Panel } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { browserLanguage, LANGUAGE_NAMES, rememberLanguage } from '../../i18n/languages';

/** The app's language, kept in the profile like the theme, so it follows the person to every device. */
export function LanguagePanel() {
  const user = useUser();
  const { refresh } = useAuth();
  const action = useAction();
  const t = useT();

  const choose = (language: LanguagePreference) =>
    void action.run(async () => {
      await api.account.setLanguage(language);
      rememberLanguage(language);
      await refresh();
    });

  const choices: { value: LanguagePreference; label: string; lang?: string }[] = [
    { value: 'system', label: t('account.languageBrowser', { language: LANGUAGE_NAMES[browserLanguage()] }) },
    ...UI_LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l], lang: l })),
  ];

  return (
    <Panel id="language" title={t('account.language')} description={t('account.languageHelp')}>
      <div className="stack stack--tight">
        <FormAlert message={action.error} />
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('account.language')}</legend>
          {choices.map((c) => (
            <button
              key={c.value}
              type="button"
              lang={c.lang}
              aria-pressed={user.language === c.value}
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
