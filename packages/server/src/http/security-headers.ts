import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Only what the web app loads: its own scripts, styles, fonts and the E2EE worker (a same-origin module file),
 * the API and the WebSocket on its own origin, and QR codes drawn as data: images. No inline script, no eval,
 * no plugins, no framing. WebAssembly is not used in the browser (argon2 runs on the server), so no
 * 'wasm-unsafe-eval'. React's `style` props are set through the CSSOM, which style-src does not restrict.
 */
export function appDirectives(allowedOrigins: readonly string[]): Record<string, string[]> {
  // CSP3 lets 'self' match the same host's ws:/wss:, but older engines want the WebSocket origin spelled out.
  const sockets = allowedOrigins.map((o) => o.replace(/^http/, 'ws'));
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...sockets],
    'worker-src': ["'self'"],
    'media-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
}

/** Camera, microphone and screen sharing for this origin only; everything else a page could ask for, for nobody. */
export const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=(self)',
  'display-capture=(self)',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'interest-cohort=()',
].join(', ');

/**
 * Swagger UI's own policy, from @fastify/swagger-ui (which hashes any inline bootstrap), tightened: no framing, no
 * base, nothing from elsewhere, no mixed-content upgrade (which would break a plain-http local install). Swagger UI
 * injects <style> elements at run time, so its styles (only) may be inline; its scripts stay files of its own.
 */
export function swaggerPolicy(header: string): string {
  return header
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !d.startsWith('upgrade-insecure-requests'))
    .map((d) => {
      const [name, ...sources] = d.split(/\s+/);
      if (name === 'frame-ancestors' || name === 'base-uri') return `${name} 'none'`;
      const kept = sources.filter((s) => s !== 'https:' && s !== 'validator.swagger.io');
      if (name === 'style-src') kept.push("'unsafe-inline'");
      return [name, ...kept].join(' ');
    })
    .join('; ');
}

/** Security headers on every response; routes with their own policy (public pages, API docs) override the CSP. */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  opts: { allowedOrigins: readonly string[]; https: boolean },
): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: appDirectives(opts.allowedOrigins) },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // Only over https: an HSTS header on a plain-http install would be ignored at best, and sticky at worst.
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
  });
}
