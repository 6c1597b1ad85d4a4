import type { Persona, World } from '../../../test-support/world.js';
import { callPersonOf } from '../../calls/index.js';
import { findMeetingFacts, type MeetingFacts } from '../../meetings/index.js';
import { freshMeeting } from '../../meetings/test-support/fixtures.js';
import * as svc from '../service.js';

/** A shared video meeting (its call not started) and its facts. */
export async function videoMeeting(w: World): Promise<MeetingFacts> {
  const m = await freshMeeting(w, 'planned', { format: 'video' });
  return (await findMeetingFacts(w.ctx.db, m.id))!;
}

/** The same, with its call running (a real Janus room), started by side A's chair through the real route. */
export async function meetingInCall(w: World): Promise<MeetingFacts> {
  const facts = await videoMeeting(w);
  const res = await (await w.client('chairA')).post(`/api/meetings/${facts.id}/call/start`);
  if (res.statusCode !== 201) throw new Error(`call start: ${res.statusCode} ${res.body}`);
  return (await findMeetingFacts(w.ctx.db, facts.id))!;
}

/** Puts a persona on the list as their own raised hand would (no-op for someone who takes no part). */
export async function queue(w: World, facts: MeetingFacts, persona: Exclude<Persona, 'anonymous'>): Promise<void> {
  const person = await callPersonOf(w.ctx.db, facts, w.users[persona].id);
  if (person) await svc.enqueue(w.ctx, facts, person, null, person.userId);
}
