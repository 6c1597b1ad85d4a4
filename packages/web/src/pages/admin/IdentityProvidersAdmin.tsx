import type { Group, IdentityProvider, Role } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { api } from '../../api/endpoints';
import { FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { Loading, Panel, SideCode } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';

const ROLES: Role[] = ['chair', 'secretariat', 'observer'];

/**
 * The instance administrator registers each government's OpenID Connect provider and binds a side of a group to
 * it: that provider then signs people into that side, and only that side (docs/deploy.md).
 */
export function IdentityProvidersAdmin() {
  const list = useResource(() => api.admin.identityProviders(), '');
  const groups = useResource(() => api.groups.list(), '');
  const providers = list.data?.providers ?? [];
  const redirect = new URL('/api/auth/oidc/callback', window.location.origin).toString();
  const t = useT();
  return (
    <Panel title={t('admin.identityProviders')} description={t('admin.identityProvidersHelp')}>
      <p className="muted small">
        {t('admin.redirectUri')} <code data-testid="redirect-uri">{redirect}</code>
      </p>
      <FormAlert message={list.error} />
      {list.loading ? (
        <Loading />
      ) : providers.length === 0 ? (
        <p className="muted">{t('admin.noProviders')}</p>
      ) : (
        <ul className="plain-list" aria-label={t('admin.identityProviders')}>
          {providers.map((p) => (
            <ProviderRow key={p.id} provider={p} onChanged={list.reload} />
          ))}
        </ul>
      )}
      <div className="admin-forms">
        <CreateProviderForm onCreated={list.reload} />
        <SideBindings groups={groups.data?.groups ?? []} providers={providers} onChanged={list.reload} />
      </div>
    </Panel>
  );
}

function ProviderRow({ provider: p, onChanged }: { provider: IdentityProvider; onChanged: () => Promise<void> }) {
  const action = useAction();
  const t = useT();
  const mapped = Object.entries(p.roleMap)
    .map(([role, value]) => `${value} → ${t(`common.role_${role as Role}`)}`)
    .join(', ');
  return (
    <li className="plain-list__row">
      <span className="stack stack--tight">
        <span className="strong">{p.name}</span>
        <span className="muted small">
          <bdi>{p.issuer}</bdi> · {t('admin.clientShort', { id: p.clientId })}
        </span>
        <span className="muted small">
          {p.agencyClaim ? (
            <FormattedMessage id="admin.agencyFrom" values={{ claim: <code>{p.agencyClaim}</code> }} />
          ) : (
            t('admin.agencyNoClaim')
          )}{' '}
          ·{' '}
          {p.roleClaim ? (
            mapped ? (
              <FormattedMessage id="admin.roleFromMapped" values={{ claim: <code>{p.roleClaim}</code>, mapped }} />
            ) : (
              <FormattedMessage id="admin.roleFrom" values={{ claim: <code>{p.roleClaim}</code> }} />
            )
          ) : (
            t('admin.roleNoClaim')
          )}
        </span>
        <span className="small">
          {p.boundSides.length === 0 ? (
            <span className="muted">{t('admin.notBound')}</span>
          ) : (
            t('admin.signsInto', { sides: p.boundSides.map((b) => b.label).join('; ') })
          )}
        </span>
        <FormAlert message={action.error} />
      </span>
      <button
        type="button"
        className="btn btn--secondary btn--small"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            if (!window.confirm(t('admin.removeProviderConfirm', { name: p.name }))) return;
            await api.admin.deleteIdentityProvider(p.id);
            await onChanged();
          })
        }
      >
        {t('admin.remove')}
      </button>
    </li>
  );
}

function CreateProviderForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [agencyClaim, setAgencyClaim] = useState('');
  const [roleClaim, setRoleClaim] = useState('');
  const [roleValues, setRoleValues] = useState<Partial<Record<Role, string>>>({});
  const action = useAction();
  const t = useT();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const roleMap = Object.fromEntries(Object.entries(roleValues).filter(([, v]) => v?.trim()));
      await api.admin.createIdentityProvider({
        name,
        issuer,
        clientId,
        clientSecret,
        agencyClaim: agencyClaim.trim() || null,
        roleClaim: roleClaim.trim() || null,
        roleMap,
      });
      setName('');
      setIssuer('');
      setClientId('');
      setClientSecret('');
      setAgencyClaim('');
      setRoleClaim('');
      setRoleValues({});
      await onCreated();
    });
  };
  return (
    <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
      <h3 className="form-title">{t('admin.registerProvider')}</h3>
      <FormAlert message={action.error} />
      <TextField
        label={t('admin.providerName')}
        name="providerName"
        value={name}
        onChange={setName}
        error={action.fields.name}
        placeholder={t('admin.providerNamePlaceholder')}
      />
      <TextField
        label={t('admin.issuer')}
        name="providerIssuer"
        value={issuer}
        onChange={setIssuer}
        error={action.fields.issuer}
        hint={t('admin.issuerHint')}
        placeholder="https://login.example.gov"
      />
      <div className="form-grid form-grid--2">
        <TextField
          label={t('admin.clientId')}
          name="providerClientId"
          value={clientId}
          onChange={setClientId}
          error={action.fields.clientId}
        />
        <TextField
          label={t('admin.clientSecret')}
          type="password"
          name="providerClientSecret"
          autoComplete="off"
          value={clientSecret}
          onChange={setClientSecret}
          error={action.fields.clientSecret}
          hint={t('admin.clientSecretHint')}
        />
      </div>
      <div className="form-grid form-grid--2">
        <TextField
          label={t('admin.agencyClaim')}
          name="providerAgencyClaim"
          value={agencyClaim}
          onChange={setAgencyClaim}
          error={action.fields.agencyClaim}
          hint={t('admin.agencyClaimHint')}
        />
        <TextField
          label={t('admin.roleClaim')}
          name="providerRoleClaim"
          value={roleClaim}
          onChange={setRoleClaim}
          error={action.fields.roleClaim}
          hint={t('admin.roleClaimHint')}
        />
      </div>
      {roleClaim.trim() ? (
        <div className="form-grid form-grid--2">
          {ROLES.map((role) => (
            <TextField
              key={role}
              label={t('admin.roleWhenClaim', { role: t(`common.role_${role}`) })}
              name={`providerRole-${role}`}
              value={roleValues[role] ?? ''}
              onChange={(v) => setRoleValues((m) => ({ ...m, [role]: v }))}
              error={action.fields[`roleMap.${role}`]}
            />
          ))}
        </div>
      ) : null}
      <div>
        <button type="submit" className="btn btn--primary" disabled={action.busy}>
          {t('admin.registerProviderButton')}
        </button>
      </div>
    </form>
  );
}

function SideBindings({
  groups,
  providers,
  onChanged,
}: {
  groups: Group[];
  providers: IdentityProvider[];
  onChanged: () => Promise<void>;
}) {
  const bound = new Map(providers.flatMap((p) => p.boundSides.map((b) => [b.sideId, p.id] as const)));
  const action = useAction();
  const t = useT();
  const options = [
    { value: '', label: t('admin.noProvider') },
    ...providers.map((p) => ({ value: p.id, label: p.name })),
  ];
  return (
    <section className="stack stack--tight side-bindings" aria-labelledby="side-sign-in">
      <h3 className="form-title" id="side-sign-in">
        {t('admin.signInPerSide')}
      </h3>
      <p className="muted small">{t('admin.bindingHelp')}</p>
      <FormAlert message={action.error} />
      {groups
        .filter((g) => g.sides.length > 0)
        .map((g) => (
          <fieldset key={g.id} className="stack stack--tight side-bindings__group">
            <legend className="strong">{g.name}</legend>
            {g.sides.map((s) => (
              <div key={s.id} className="side-bindings__side">
                <SideCode side={s} />
                <SelectField
                  label={t('admin.sideSignsInThrough', { side: s.name })}
                  value={bound.get(s.id) ?? ''}
                  onChange={(providerId) =>
                    void action.run(async () => {
                      await api.admin.bindSide(g.id, s.id, providerId || null);
                      await onChanged();
                    })
                  }
                  options={options}
                  disabled={action.busy || providers.length === 0}
                />
              </div>
            ))}
          </fieldset>
        ))}
    </section>
  );
}
