import type {
  AccountHelpKind,
  AccountHelpRequest,
  Agency,
  CreateIdentityProviderBody,
  Group,
  IdentityProvider,
  LanguagePreference,
  LoginResult,
  Membership,
  Problem,
  RecoveryCodeStatus,
  Role,
  Roster,
  Side,
  StepUpStatus,
  ThemePreference,
  UpdateIdentityProviderBody,
  User,
} from '@parley/protocol';
import { http } from './client';
import type {
  InvitationAccepted,
  InvitationCreated,
  InvitationList,
  InvitationPreview,
  Marking,
  PasskeyList,
  PasskeyOptions,
  SessionList,
  TotpEnrolment,
} from './types';

export type { Problem };

const g = (groupId: string) => `/api/groups/${encodeURIComponent(groupId)}`;
const enc = encodeURIComponent;

export const api = {
  auth: {
    me: () => http.get<{ user: User | null; secondFactorPending: boolean }>('/api/auth/me'),
    login: (email: string, password: string) => http.post<LoginResult>('/api/auth/login', { email, password }),
    loginTotp: (code: string) => http.post<LoginResult>('/api/auth/login/totp', { code }),
    loginRecoveryCode: (code: string) => http.post<LoginResult>('/api/auth/login/recovery-code', { code }),
    passkeyOptions: (email?: string) => http.post<PasskeyOptions>('/api/auth/passkey/options', email ? { email } : {}),
    passkeyVerify: (flowId: string, response: unknown) =>
      http.post<LoginResult>('/api/auth/passkey/verify', { flowId, response }),
    logout: () => http.post<{ ok: true }>('/api/auth/logout'),
    providers: () => http.get<{ providers: { id: string; name: string }[] }>('/api/auth/providers'),
    /** A full navigation, not a fetch: the browser goes to the provider and comes back. */
    providerStartUrl: (id: string) => `/api/auth/oidc/${enc(id)}/start`,
  },
  account: {
    totpEnrol: () => http.post<TotpEnrolment>('/api/account/totp/enrol'),
    totpConfirm: (code: string) => http.post<unknown>('/api/account/totp/confirm', { code }),
    totpDisable: (code: string) => http.post<unknown>('/api/account/totp/disable', { code }),
    passkeys: () => http.get<PasskeyList>('/api/account/passkeys'),
    passkeyRegistrationOptions: () => http.post<PasskeyOptions>('/api/account/passkeys/registration/options'),
    passkeyRegistrationVerify: (flowId: string, response: unknown, name: string) =>
      http.post<unknown>('/api/account/passkeys/registration/verify', { flowId, response, name }),
    deletePasskey: (id: string) => http.delete<unknown>(`/api/account/passkeys/${enc(id)}`),
    recoveryCodes: () => http.get<RecoveryCodeStatus>('/api/account/recovery-codes'),
    makeRecoveryCodes: () => http.post<{ codes: string[] }>('/api/account/recovery-codes'),
    sessions: () => http.get<SessionList>('/api/account/sessions'),
    revokeSession: (id: string) => http.delete<unknown>(`/api/account/sessions/${enc(id)}`),
    changePassword: (currentPassword: string, newPassword: string) =>
      http.post<unknown>('/api/account/password', { currentPassword, newPassword }),
    setTheme: (theme: ThemePreference) => http.put<{ theme: ThemePreference }>('/api/account/theme', { theme }),
    setLanguage: (language: LanguagePreference) =>
      http.put<{ language: LanguagePreference }>('/api/account/language', { language }),
    stepUpStatus: () => http.get<StepUpStatus>('/api/account/step-up'),
    stepUpTotp: (code: string) => http.post<unknown>('/api/account/step-up/totp', { code }),
    stepUpPasskeyOptions: () => http.post<PasskeyOptions>('/api/account/step-up/passkey/options'),
    stepUpPasskeyVerify: (flowId: string, response: unknown) =>
      http.post<unknown>('/api/account/step-up/passkey/verify', { flowId, response }),
  },
  groups: {
    list: () => http.get<{ groups: Group[] }>('/api/groups'),
    get: (groupId: string) => http.get<Group>(g(groupId)),
    update: (groupId: string, body: { name?: string; description?: string; chairStepUp?: boolean }) =>
      http.patch<Group>(g(groupId), body),
    roster: (groupId: string) => http.get<Roster>(`${g(groupId)}/roster`),
    create: (body: { name: string; description: string; kind: 'group' | 'track'; parentGroupId: string | null }) =>
      http.post<Group>('/api/groups', body),
    createSide: (groupId: string, body: { name: string; shortCode: string; colour: string }) =>
      http.post<Side>(`${g(groupId)}/sides`, body),
    createAgency: (groupId: string, sideId: string, body: { name: string; marking: Marking }) =>
      http.post<Agency>(`${g(groupId)}/sides/${enc(sideId)}/agencies`, body),
    deleteAgency: (groupId: string, sideId: string, agencyId: string) =>
      http.delete<unknown>(`${g(groupId)}/sides/${enc(sideId)}/agencies/${enc(agencyId)}`),
    addMember: (
      groupId: string,
      body: { email: string; sideId: string; role: Role; agencyId: string | null; title: string; marking: Marking },
    ) => http.post<Membership>(`${g(groupId)}/memberships`, body),
    updateMember: (
      groupId: string,
      membershipId: string,
      body: { role?: Role; agencyId?: string | null; title?: string; marking?: Marking },
    ) => http.patch<Membership>(`${g(groupId)}/memberships/${enc(membershipId)}`, body),
    removeMember: (groupId: string, membershipId: string) =>
      http.delete<unknown>(`${g(groupId)}/memberships/${enc(membershipId)}`),
    createInvitation: (
      groupId: string,
      body: {
        sideId: string;
        role: Role;
        agencyId: string | null;
        title: string;
        marking: Marking;
        email?: string;
        expiresInHours: number;
      },
    ) => http.post<InvitationCreated>(`${g(groupId)}/invitations`, body),
    invitations: (groupId: string) => http.get<InvitationList>(`${g(groupId)}/invitations`),
    revokeInvitation: (groupId: string, id: string) => http.delete<unknown>(`${g(groupId)}/invitations/${enc(id)}`),
    accountRequests: (groupId: string) =>
      http.get<{ requests: AccountHelpRequest[] }>(`${g(groupId)}/account-requests`),
    askAccountHelp: (groupId: string, body: { userId: string; kind: AccountHelpKind; note: string }) =>
      http.post<AccountHelpRequest>(`${g(groupId)}/account-requests`, body),
  },
  invitations: {
    preview: (token: string) => http.get<InvitationPreview>(`/api/invitations/${enc(token)}`),
    accept: (body: { token: string; email: string; displayName: string; password: string }) =>
      http.post<InvitationAccepted>('/api/invitations/accept', body),
    join: (token: string) => http.post<InvitationAccepted>(`/api/invitations/${enc(token)}/join`),
  },
  admin: {
    identityProviders: () => http.get<{ providers: IdentityProvider[] }>('/api/admin/identity-providers'),
    createIdentityProvider: (body: CreateIdentityProviderBody) =>
      http.post<IdentityProvider>('/api/admin/identity-providers', body),
    updateIdentityProvider: (id: string, body: UpdateIdentityProviderBody) =>
      http.patch<IdentityProvider>(`/api/admin/identity-providers/${enc(id)}`, body),
    deleteIdentityProvider: (id: string) => http.delete<unknown>(`/api/admin/identity-providers/${enc(id)}`),
    sideProviders: (groupId: string) =>
      http.get<{ sides: { sideId: string; providerId: string | null }[] }>(`${g(groupId)}/identity-providers`),
    bindSide: (groupId: string, sideId: string, providerId: string | null) =>
      http.put<unknown>(`${g(groupId)}/sides/${enc(sideId)}/identity-provider`, { providerId }),
    users: () => http.get<{ users: User[] }>('/api/admin/users'),
    createUser: (body: { email: string; displayName: string; password: string; isAdmin: boolean }) =>
      http.post<User>('/api/admin/users', body),
    disableUser: (id: string) => http.post<User>(`/api/admin/users/${enc(id)}/disable`),
    enableUser: (id: string) => http.post<User>(`/api/admin/users/${enc(id)}/enable`),
    resetSecondFactors: (id: string) => http.post<User>(`/api/admin/users/${enc(id)}/reset-second-factors`),
    resetPassword: (id: string) =>
      http.post<{ temporaryPassword: string }>(`/api/admin/users/${enc(id)}/reset-password`),
    accountRequests: () => http.get<{ requests: AccountHelpRequest[] }>('/api/admin/account-requests'),
    resolveAccountRequest: (id: string, decision: 'carry_out' | 'decline') =>
      http.post<{ request: AccountHelpRequest; temporaryPassword: string | null }>(
        `/api/admin/account-requests/${enc(id)}/resolve`,
        { decision },
      ),
  },
};
