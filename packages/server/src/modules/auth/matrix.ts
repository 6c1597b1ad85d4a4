import type { MatrixCase } from '../../test-support/matrix.js';
import { accountMatrix } from './test-support/account-matrix.js';
import { recoveryMatrix } from './test-support/recovery-matrix.js';
import { stepUpMatrix } from './test-support/step-up-matrix.js';

const SIGNED_IN = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB', 'outsider'] as const;
const EVERYONE = [...SIGNED_IN, 'anonymous'] as const;
let n = 0;

export const matrix: MatrixCase[] = [
  { route: 'GET /api/auth/me', allow: EVERYONE, request: () => ({ url: '/api/auth/me' }) },
  {
    route: 'POST /api/auth/logout',
    allow: EVERYONE,
    why: 'logging out without a session is a harmless no-op',
    request: () => ({ url: '/api/auth/logout', body: {} }),
  },
  {
    route: 'POST /api/auth/login',
    allow: EVERYONE,
    why: 'anyone may try to sign in (rate-limited); the row logs in as the test admin',
    request: (w) => ({ url: '/api/auth/login', body: { email: w.users.admin.email, password: w.password } }),
  },
  { route: 'GET /api/admin/users', allow: ['admin'], request: () => ({ url: '/api/admin/users' }) },
  {
    route: 'POST /api/admin/users',
    allow: ['admin'],
    request: () => ({
      url: '/api/admin/users',
      body: { email: `u${Date.now()}${n++}@test.parley`, displayName: 'U', password: 'a long enough password' },
    }),
  },
  ...accountMatrix,
  ...recoveryMatrix,
  ...stepUpMatrix,
];
