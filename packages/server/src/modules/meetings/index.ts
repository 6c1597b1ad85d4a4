import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { agendaRoutes } from './agenda-routes.js';
import { meetingIcsRoutes } from './ics-routes.js';
import { meetingRoutes } from './routes.js';
import { registerMeetingTopics } from './topics.js';

/** Meetings, their agenda and invitations, and the `meeting:<id>` topic. */
export async function meetingsModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  await app.register(meetingRoutes, opts);
  await app.register(agendaRoutes, opts);
  await app.register(meetingIcsRoutes, opts);
  registerMeetingTopics(opts.ctx);
}

export { findMeetingFacts, type MeetingFacts, upcomingMeetings } from './queries.js';
export { recordInterpreterChange, recordSpeakingTime } from './service.js';
