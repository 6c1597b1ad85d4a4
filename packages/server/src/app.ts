import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { type Cluster, localCluster } from './cluster/cluster.js';
import { redisCluster } from './cluster/redis.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import type { Database } from './db/client.js';
import { registerCanonicalHost } from './http/canonical-host.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerOriginCheck } from './http/origin.js';
import { logRedaction, redactUrl } from './http/redact.js';
import { registerSecurityHeaders, swaggerPolicy } from './http/security-headers.js';
import type { JanusService } from './janus/index.js';
import { JanusPool } from './janus/pool.js';
import { secretBoxLoader } from './lib/secret-box.js';
import { registerModules } from './modules/index.js';
import { createMetrics, observeHttpLatency, systemRoutes } from './modules/system/metrics.js';
import { RealtimeHub } from './realtime/hub.js';
import { realtimeRoutes } from './realtime/ws-route.js';

export interface BuildOptions {
  config: Config;
  database: Database;
  /** Shared state across nodes; default: Redis when REDIS_URL is set, else in memory (one node). */
  cluster?: Cluster;
  /** Silence request logs (tests). */
  logger?: boolean;
  /** Where log lines go (tests capture them to prove secrets are redacted). */
  logStream?: { write(line: string): void };
  /**
   * [janus hook] Starts the media server; the app runs it when it gets ready (before it takes requests) and stops
   * it when it closes, after the calls have ended. Absent: calls are off.
   */
  janus?: (log: FastifyBaseLogger) => Promise<JanusService | JanusPool>;
}

export async function buildApp(opts: BuildOptions): Promise<{ app: FastifyInstance; ctx: AppContext }> {
  const { config, database } = opts;
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    // Shutdown must not wait on idle keep-alive or half-upgraded sockets (Ctrl-C, tests).
    forceCloseConnections: true,
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(opts.logStream ? { stream: opts.logStream } : {}),
            redact: logRedaction,
            serializers: {
              req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
            },
          },
    genReqId: () => crypto.randomUUID(),
    // Off unless configured: then X-Forwarded-For is ignored and request.ip is the peer's address.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    requestIdHeader: false,
  });
  const cluster = opts.cluster ?? (await openCluster(config, app.log));
  const hub = new RealtimeHub(cluster.fanout);
  const secrets = secretBoxLoader(config.secretsKey, (message) => app.log.warn(message));
  const ctx: AppContext = { config, database, db: database.db, hub, cluster, log: app.log, secrets };

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await registerSecurityHeaders(app, { allowedOrigins: config.allowedOrigins, https: config.secureCookies });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Parley API', version: '0.1.0', description: 'Consultative groups, meetings and secure calls' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'parley_session' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    transformStaticCSP: swaggerPolicy,
  });
  registerOriginCheck(app, config.allowedOrigins);
  registerCanonicalHost(app, config.publicUrl);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  // A refused upgrade (bad Origin, no session) leaves a socket the HTTP server no longer tracks: close it, or
  // shutdown would wait on it forever.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400 && request.headers.upgrade?.toLowerCase() === 'websocket')
      request.raw.socket?.destroy();
  });

  if (opts.janus) wireJanus(app, ctx, opts.janus);
  const metrics = createMetrics(ctx);
  observeHttpLatency(app, metrics);
  await app.register(systemRoutes, {
    ctx,
    metrics,
    readiness: async () => ({
      database: await database.ping(),
      ...(cluster.kind === 'redis' ? { redis: await cluster.ping() } : {}),
      // [janus hook] true when some media server is connected (or none is configured).
      janus: ctx.janusPool ? ctx.janusPool.anyUp() : true,
    }),
    details: () => (ctx.janusPool ? { janusNodes: ctx.janusPool.health() } : {}),
  });
  await registerModules(app, ctx);
  await app.register(realtimeRoutes, { ctx });
  await serveWeb(app, config);

  app.addHook('onClose', async () => {
    await hub.close();
    await cluster.close();
  });
  return { app, ctx };
}

function openCluster(config: Config, log: FastifyBaseLogger): Promise<Cluster> | Cluster {
  const onError = (err: unknown, what: string) => log.error({ err }, `cluster: ${what} failed`);
  return config.redisUrl ? redisCluster(config.redisUrl, config.nodeId, onError) : localCluster(config.nodeId, onError);
}

/**
 * Janus lives as long as the app (docs/architecture.md §4): up in `onReady`, down in `onClose`. Root hooks added
 * before the modules' close after theirs, so the calls module tears its rooms down while Janus still answers.
 */
function wireJanus(app: FastifyInstance, ctx: AppContext, start: NonNullable<BuildOptions['janus']>): void {
  app.addHook('onReady', async () => {
    const started = await start(app.log.child({ module: 'janus' }));
    const pool =
      started instanceof JanusPool
        ? started
        : new JanusPool(new Map([[`child-${ctx.config.nodeId}`, started]]), ctx.config.janus.failoverMs);
    ctx.janusPool = pool;
    ctx.janus = pool.first;
  });
  app.addHook('onClose', async () => {
    await ctx.janusPool?.stop();
  });
}

/** The built SPA, with client-side routes falling back to index.html (API and public paths excluded). */
async function serveWeb(app: FastifyInstance, config: Config): Promise<void> {
  const root =
    config.webRoot ??
    path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../web/dist');
  if (!fs.existsSync(path.join(root, 'index.html'))) return;
  await app.register(fastifyStatic, { root, wildcard: false, index: 'index.html' });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    const file = path.join(root, url);
    if (file.startsWith(root) && fs.existsSync(file) && fs.statSync(file).isFile()) return reply.sendFile(url.slice(1));
    if (url.startsWith('/api/') || url.startsWith('/statements')) return reply.callNotFound();
    return reply.type('text/html').sendFile('index.html');
  });
}
