import { Id } from '@parley/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { atomFeed } from './atom.js';
import { publicEntries } from './entries.js';
import { entryPage, listPage } from './html.js';
import { renderPdf } from './pdf.js';

const tags = ['public'];
const Params = z.strictObject({ id: Id });
// No session is consulted here: these pages show published texts only, the same to everyone.
const security: [] = [];

function cacheable(reply: FastifyReply) {
  reply.header('cache-control', 'public, max-age=60');
  reply.header('x-content-type-options', 'nosniff');
  reply.header(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
}

export async function publicRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = ctx.config.publicUrl;

  r.get('/statements', { schema: { tags, security, produces: ['text/html'] } }, async (_request, reply) => {
    cacheable(reply);
    return reply.type('text/html; charset=utf-8').send(listPage(await publicEntries(ctx.db), base));
  });

  r.get(
    '/statements/feed.atom',
    { schema: { tags, security, produces: ['application/atom+xml'] } },
    async (_request, reply) => {
      cacheable(reply);
      return reply.type('application/atom+xml; charset=utf-8').send(atomFeed(await publicEntries(ctx.db), base));
    },
  );

  r.get(
    '/statements/:id.pdf',
    { schema: { tags, security, params: Params, produces: ['application/pdf'] } },
    async (request, reply) => {
      const [entry] = await publicEntries(ctx.db, request.params.id);
      if (!entry) throw notFound('Statement');
      cacheable(reply);
      reply.header('content-disposition', `inline; filename="statement-${entry.id}.pdf"`);
      return reply.type('application/pdf').send(await renderPdf(entry));
    },
  );

  r.get(
    '/statements/:id',
    { schema: { tags, security, params: Params, produces: ['text/html'] } },
    async (request, reply) => {
      const [entry] = await publicEntries(ctx.db, request.params.id);
      if (!entry) throw notFound('Statement');
      cacheable(reply);
      return reply.type('text/html; charset=utf-8').send(entryPage(entry, base));
    },
  );
}
