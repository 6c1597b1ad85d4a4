import type { FastifyInstance } from 'fastify';
import { TEST_ORIGIN } from '../../../test-support/app.js';

/**
 * Walks a sign-in through Parley and a real provider over HTTP, as a browser would: Parley's start, the provider's
 * login form, consent, and back to Parley's callback. `tamper` may change the callback URL before it is followed.
 */
export interface SignInOutcome {
  /** Where Parley sent the browser at the end: `/` or `/sign-in?oidc_error=…`. */
  location: string;
  /** The session cookie, when one was set. */
  session: string | null;
  /** The provider's login page said no (the browser never came back to Parley). */
  providerRefused: boolean;
}

const cookiesOf = (set: string | string[] | undefined) =>
  (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0]!);

export async function signInThrough(
  app: FastifyInstance,
  providerId: string,
  login: string,
  password: string,
  opts: { tamper?: (callback: URL) => void; beforeCallback?: () => Promise<void>; parleyCookie?: string } = {},
): Promise<SignInOutcome> {
  const start = await app.inject({ method: 'GET', url: `/api/auth/oidc/${providerId}/start` });
  let location = String(start.headers.location);
  if (!location.startsWith('http')) return { location, session: null, providerRefused: false };
  const stateCookie = cookiesOf(start.headers['set-cookie'] as string[]).find((c) =>
    c.startsWith('parley_oidc_state='),
  );
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: cookieHeader() } });
    remember(res);
    return res;
  };
  let res = await go(location);
  for (let hops = 0; hops < 12; hops++) {
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, location);
      location = next.toString();
      if (location.startsWith(TEST_ORIGIN)) break;
      res = await go(location);
      continue;
    }
    const html = await res.text();
    if (html.includes('Unknown account or wrong password')) return { location, session: null, providerRefused: true };
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (!action)
      throw new Error(
        `unexpected page at the provider: ${res.status} ${html.replace(/<style[\s\S]*<\/style>/, '').slice(0, 1500)}`,
      );
    res = await go(new URL(action, location).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    });
  }
  const callback = new URL(location);
  opts.tamper?.(callback);
  await opts.beforeCallback?.();
  const done = await app.inject({
    method: 'GET',
    url: `${callback.pathname}${callback.search}`,
    headers: {
      origin: TEST_ORIGIN,
      cookie: [stateCookie, opts.parleyCookie].filter(Boolean).join('; '),
    },
  });
  const session = cookiesOf(done.headers['set-cookie'] as string[]).find(
    (c) => c.startsWith('parley_session=') && c.length > 16,
  );
  return { location: String(done.headers.location), session: session ?? null, providerRefused: false };
}
