import type { MatrixCase } from '../../test-support/matrix.js';

const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;
const EVERYONE = [...SIGNED_IN, 'anonymous'] as const;
let n = 0;

/** A fresh provider for rows that change or delete one (issuers are unique). */
async function provider(w: Parameters<MatrixCase['request']>[0]): Promise<string> {
  const admin = await w.client('admin');
  const res = await admin.post('/api/admin/identity-providers', {
    name: `Matrix ${n}`,
    // Nothing listens there: the start row is refused quickly, without going off this machine.
    issuer: `http://127.0.0.1:9/idp${n++}`,
    clientId: 'parley',
    clientSecret: 'matrix secret',
  });
  return res.json().id;
}

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/auth/providers',
    allow: EVERYONE,
    why: 'the sign-in page lists the providers before anyone is signed in',
    request: () => ({ url: '/api/auth/providers' }),
  },
  {
    route: 'GET /api/auth/oidc/{id}/start',
    allow: EVERYONE,
    why: 'anyone may start a sign-in; an unreachable provider sends the browser back to the sign-in page',
    request: async (w) => ({ url: `/api/auth/oidc/${await provider(w)}/start` }),
  },
  {
    route: 'GET /api/auth/oidc/callback',
    allow: EVERYONE,
    why: 'the provider sends anyone back here; without a sign-in in progress it is refused by a redirect',
    request: () => ({ url: '/api/auth/oidc/callback?state=nothing-started' }),
  },
  {
    route: 'GET /api/admin/identity-providers',
    allow: ['admin'],
    request: () => ({ url: '/api/admin/identity-providers' }),
  },
  {
    route: 'POST /api/admin/identity-providers',
    allow: ['admin'],
    request: () => ({
      url: '/api/admin/identity-providers',
      body: { name: 'New', issuer: `https://new${n++}.matrix.example`, clientId: 'c', clientSecret: 's' },
    }),
  },
  {
    route: 'PATCH /api/admin/identity-providers/{id}',
    allow: ['admin'],
    request: async (w) => ({ url: `/api/admin/identity-providers/${await provider(w)}`, body: { name: 'Renamed' } }),
  },
  {
    route: 'DELETE /api/admin/identity-providers/{id}',
    allow: ['admin'],
    request: async (w) => ({ url: `/api/admin/identity-providers/${await provider(w)}` }),
  },
  {
    route: 'GET /api/groups/{groupId}/identity-providers',
    allow: ['admin'],
    why: 'binding sides to providers is the instance administrator’s',
    request: (w) => ({ url: `/api/groups/${w.group.id}/identity-providers` }),
  },
  {
    route: 'PUT /api/groups/{groupId}/sides/{sideId}/identity-provider',
    allow: ['admin'],
    request: (w) => ({
      url: `/api/groups/${w.group.id}/sides/${w.sideB}/identity-provider`,
      body: { providerId: null },
    }),
  },
];
