import type { FastifyInstance } from 'fastify';

const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * A page opened at the loopback IP (`http://127.0.0.1:8080`, the address older instructions named) goes to the same
 * page at the published `localhost` address: browsers refuse passkeys on an IP address, and a session cookie set on
 * one host name is not sent to the other, so a person must land on the one address that works throughout. Only page
 * navigations move; API calls, the WebSocket and health checks answer on any address.
 */
export function registerCanonicalHost(app: FastifyInstance, publicUrl: string): void {
  const published = new URL(publicUrl);
  if (published.hostname !== 'localhost') return;
  const port = published.port || (published.protocol === 'https:' ? '443' : '80');
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    if (!request.headers.accept?.includes('text/html')) return;
    if (request.url.startsWith('/api/') || request.headers.upgrade) return;
    const host = request.headers.host ?? '';
    const at = host.lastIndexOf(':');
    const [name, hostPort] = at > host.lastIndexOf(']') ? [host.slice(0, at), host.slice(at + 1)] : [host, '80'];
    if (!LOOPBACK_IPS.has(name) || hostPort !== port) return;
    return reply.redirect(`${published.origin}${request.url}`, 302);
  });
}
