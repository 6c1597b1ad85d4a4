import type { Group, IdentityProvider, Role } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/endpoints';
import { FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { Loading, Panel, SideCode } from '../../components/ui';
import { useResource } from '../../components/useResource';

const ROLES: { role: Role; label: string }[] = [
  { role: 'chair', label: 'Chair' },
  { role: 'secretariat', label: 'Secretariat' },
  { role: 'observer', label: 'Observer' },
];

/**
 * The instance administrator registers each government's OpenID Connect provider and binds a side of a group to
 * it: that provider then signs people into that side, and only that side (docs/deploy.md).
 */
export function IdentityProvidersAdmin() {
  const list = useResource(() => api.admin.identityProviders(), '');
  const groups = useResource(() => api.groups.list(), '');
  const providers = list.data?.providers ?? [];
  const redirect = new URL('/api/auth/oidc/callback', window.location.origin).toString();
  return (
    <Panel
      title="Identity providers"
      description="Let each side sign in through its own government’s identity provider (OpenID Connect)."
    >
      <p className="muted small">
        Register this redirect URI with each provider: <code data-testid="redirect-uri">{redirect}</code>
      </p>
      <FormAlert message={list.error} />
      {list.loading ? (
        <Loading />
      ) : providers.length === 0 ? (
        <p className="muted">No identity providers yet: everyone signs in with a password or a passkey.</p>
      ) : (
        <ul className="plain-list" aria-label="Identity providers">
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
  const mapped = Object.entries(p.roleMap)
    .map(([role, value]) => `${value} → ${role}`)
    .join(', ');
  return (
    <li className="plain-list__row">
      <span className="stack stack--tight">
        <span className="strong">{p.name}</span>
        <span className="muted small">
          {p.issuer} · client {p.clientId}
        </span>
        <span className="muted small">
          Agency from {p.agencyClaim ? <code>{p.agencyClaim}</code> : 'no claim'} · role from{' '}
          {p.roleClaim ? (
            <>
              <code>{p.roleClaim}</code>
              {mapped ? ` (${mapped}; otherwise member)` : ' (member)'}
            </>
          ) : (
            'no claim (new people join as members)'
          )}
        </span>
        <span className="small">
          {p.boundSides.length === 0 ? (
            <span className="muted">Not bound to any side: nobody can sign in through it yet.</span>
          ) : (
            <>Signs people into: {p.boundSides.map((b) => b.label).join('; ')}</>
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
            if (!window.confirm(`Remove ${p.name}? Its people can no longer sign in through it.`)) return;
            await api.admin.deleteIdentityProvider(p.id);
            await onChanged();
          })
        }
      >
        Remove
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
      <h3 className="form-title">Register a provider</h3>
      <FormAlert message={action.error} />
      <TextField
        label="Name on the sign-in button"
        name="providerName"
        value={name}
        onChange={setName}
        error={action.fields.name}
        placeholder="e.g. Aldorian Foreign Ministry"
      />
      <TextField
        label="Issuer URL"
        name="providerIssuer"
        value={issuer}
        onChange={setIssuer}
        error={action.fields.issuer}
        hint="Exactly as the provider names itself in its discovery document."
        placeholder="https://login.example.gov"
      />
      <div className="form-grid form-grid--2">
        <TextField
          label="Client ID"
          name="providerClientId"
          value={clientId}
          onChange={setClientId}
          error={action.fields.clientId}
        />
        <TextField
          label="Client secret"
          type="password"
          name="providerClientSecret"
          autoComplete="off"
          value={clientSecret}
          onChange={setClientSecret}
          error={action.fields.clientSecret}
          hint="Stored encrypted; never shown again."
        />
      </div>
      <div className="form-grid form-grid--2">
        <TextField
          label="Agency claim"
          name="providerAgencyClaim"
          value={agencyClaim}
          onChange={setAgencyClaim}
          error={action.fields.agencyClaim}
          hint="Optional. Its value names the person’s agency."
        />
        <TextField
          label="Role claim"
          name="providerRoleClaim"
          value={roleClaim}
          onChange={setRoleClaim}
          error={action.fields.roleClaim}
          hint="Optional, e.g. groups."
        />
      </div>
      {roleClaim.trim() ? (
        <div className="form-grid form-grid--2">
          {ROLES.map(({ role, label }) => (
            <TextField
              key={role}
              label={`${label} when the claim holds`}
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
          Register provider
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
  const options = [
    { value: '', label: 'No provider (password or passkey only)' },
    ...providers.map((p) => ({ value: p.id, label: p.name })),
  ];
  return (
    <section className="stack stack--tight side-bindings" aria-labelledby="side-sign-in">
      <h3 className="form-title" id="side-sign-in">
        Sign-in for each side
      </h3>
      <p className="muted small">A provider bound to a side can create accounts in that side only.</p>
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
                  label={`${s.name} signs in through`}
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
