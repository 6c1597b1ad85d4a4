import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DOMAIN_EVENT_KINDS,
  DomainEvent,
  type DomainEventKind,
  type DomainEventOf,
  domainEvent,
  isEventOf,
  type MeetingChangedEvent,
} from './events.js';
import { MeetingEventKind } from './meetings.js';
import { ServerMessage } from './realtime.js';

const groupId = '0b9c1a51-3c3e-4a53-9f57-6a3f1b0f2e10';
const resourceId = '6f1d0c2e-8a4b-4c1d-9e2f-1a2b3c4d5e6f';
const deviceId = '3e2d1c0b-5a49-4837-8261-504f3e2d1c0b';
const at = '2026-03-01T09:30:00.000Z';
const change = { status: 'planned', phase: 'in_progress', sequence: 2 } as const;
const meeting = <K extends MeetingChangedEvent['kind']>(kind: K) =>
  ({ kind, groupId, resourceType: 'meeting', resourceId, data: change }) as const;
const ids = <K extends DomainEventKind, R extends string>(kind: K, resourceType: R) =>
  ({ kind, groupId, resourceType, resourceId }) as const;

/** One valid event of every kind: a kind added to the union without a sample here does not compile. */
const samples: { [K in DomainEventKind]: DomainEventOf<K> } = {
  'meeting.created': meeting('meeting.created'),
  'meeting.updated': meeting('meeting.updated'),
  'meeting.planned': meeting('meeting.planned'),
  'meeting.cancelled': meeting('meeting.cancelled'),
  'meeting.re_requested': meeting('meeting.re_requested'),
  'meeting.rescheduled': meeting('meeting.rescheduled'),
  'meeting.format_changed': meeting('meeting.format_changed'),
  'meeting.postponed': meeting('meeting.postponed'),
  'meeting.started': meeting('meeting.started'),
  'meeting.ended': meeting('meeting.ended'),
  'meeting.shared': meeting('meeting.shared'),
  'meeting.speaking_time': meeting('meeting.speaking_time'),
  'meeting.interpreter_assigned': meeting('meeting.interpreter_assigned'),
  'meeting.interpreter_unassigned': meeting('meeting.interpreter_unassigned'),
  'agenda.item_created': ids('agenda.item_created', 'agenda_item'),
  'agenda.item_updated': ids('agenda.item_updated', 'agenda_item'),
  'agenda.item_deleted': ids('agenda.item_deleted', 'agenda_item'),
  'agenda.reordered': ids('agenda.reordered', 'agenda_item'),
  'readout.created': ids('readout.created', 'readout'),
  'readout.saved': ids('readout.saved', 'readout'),
  'readout.published': ids('readout.published', 'readout'),
  'outcome.created': ids('outcome.created', 'outcome'),
  'outcome.updated': ids('outcome.updated', 'outcome'),
  'outcome.status': ids('outcome.status', 'outcome'),
  'outcome.deleted': ids('outcome.deleted', 'outcome'),
  'statement.created': ids('statement.created', 'statement'),
  'statement.edited': ids('statement.edited', 'statement'),
  'statement.approved': ids('statement.approved', 'statement'),
  'statement.published': ids('statement.published', 'statement'),
  'floor.hand_raised': { ...ids('floor.hand_raised', 'floor'), data: { version: 3, userId: deviceId } },
  'floor.hand_lowered': { ...ids('floor.hand_lowered', 'floor'), data: { version: 4, userId: deviceId } },
  'floor.given': { ...ids('floor.given', 'floor'), data: { version: 5, userId: deviceId } },
  'floor.taken': { ...ids('floor.taken', 'floor'), data: { version: 6, userId: deviceId } },
  'floor.allowance_set': { ...ids('floor.allowance_set', 'floor'), data: { version: 7, userId: null } },
  'floor.closed': { ...ids('floor.closed', 'floor'), data: { version: 8, userId: null } },
  'interpretation.assigned': {
    ...ids('interpretation.assigned', 'interpretation'),
    data: { version: 1, userId: deviceId },
  },
  'interpretation.removed': {
    ...ids('interpretation.removed', 'interpretation'),
    data: { version: 2, userId: deviceId },
  },
  'roster.changed': ids('roster.changed', 'membership'),
  'track.created': ids('track.created', 'track'),
  'mls.welcome': {
    ...ids('mls.welcome', 'mls-group'),
    data: { mlsGroupId: resourceId, context: `group:${groupId}`, deviceId, seq: 4, epoch: 2, welcome: 'AAAA' },
  },
  'mls.message': {
    ...ids('mls.message', 'mls-group'),
    data: { mlsGroupId: resourceId, seq: 5, epoch: 2, kind: 'application', senderDeviceId: deviceId, createdAt: at },
  },
  'mls.commit-requested': {
    ...ids('mls.commit-requested', 'mls-group'),
    data: { mlsGroupId: resourceId, deviceId, epoch: 3, remove: [{ deviceId, leafIndex: 1 }] },
  },
  'mls.reestablished': {
    ...ids('mls.reestablished', 'mls-group'),
    data: { mlsGroupId: resourceId, next: groupId, byUserId: deviceId, at },
  },
};
const all = Object.values(samples);

/** Every kind the server names where it announces a change (the modules' `announce` helpers and `domainEvent`). */
function kindsTheServerPublishes(): Set<string> {
  const root = fileURLToPath(new URL('../../server/src', import.meta.url));
  const found = new Set<string>();
  const call = /\b(?:domainEvent|announce)\(\s*(?:[\w!.]+,\s*)*'([a-z]+\.[a-z_-]+)'/g;
  for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.includes('test-support')) continue;
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(call)) found.add(m[1]!);
  }
  return found;
}

describe('domain events', () => {
  it('has one schema for every kind, and every sample of a kind parses as that kind', () => {
    expect([...DOMAIN_EVENT_KINDS].sort()).toEqual(Object.keys(samples).sort());
    expect(new Set(DOMAIN_EVENT_KINDS).size).toBe(DOMAIN_EVENT_KINDS.length);
    for (const sample of all) expect(DomainEvent.parse(sample)).toEqual(sample);
  });

  it('has a schema for every kind the server publishes', () => {
    const published = kindsTheServerPublishes();
    // The lifecycle announces each history entry as `meeting.<its kind>`.
    for (const k of MeetingEventKind.options) published.add(`meeting.${k}`);
    expect(published.size).toBeGreaterThan(20);
    expect([...published].filter((k) => !DOMAIN_EVENT_KINDS.includes(k as DomainEventKind))).toEqual([]);
  });

  it('rejects an unknown kind, a missing or foreign resource, and malformed data', () => {
    expect(DomainEvent.safeParse({ ...samples['roster.changed'], kind: 'roster.deleted' }).success).toBe(false);
    for (const sample of all) {
      const { resourceId: _, ...withoutId } = sample;
      expect(DomainEvent.safeParse(withoutId).success, `${sample.kind} without resourceId`).toBe(false);
      expect(DomainEvent.safeParse({ ...sample, groupId: 'not-an-id' }).success, `${sample.kind} groupId`).toBe(false);
      expect(DomainEvent.safeParse({ ...sample, resourceType: 'user' }).success, `${sample.kind} resource`).toBe(false);
      if (!('data' in sample)) continue;
      expect(DomainEvent.safeParse({ ...sample, data: undefined }).success, `${sample.kind} without data`).toBe(false);
      expect(DomainEvent.safeParse({ ...sample, data: {} }).success, `${sample.kind} with empty data`).toBe(false);
    }
    const bad: [DomainEventKind, Record<string, unknown>][] = [
      ['meeting.ended', { ...change, phase: 'over' }],
      ['mls.welcome', { ...samples['mls.welcome'].data, seq: '4' }],
      ['mls.message', { ...samples['mls.message'].data, kind: 'proposal' }],
      ['mls.commit-requested', { ...samples['mls.commit-requested'].data, remove: [{ deviceId }] }],
      ['mls.reestablished', { ...samples['mls.reestablished'].data, at: 'yesterday' }],
      ['floor.given', { version: 5, userId: 'Helena Varga' }],
    ];
    for (const [kind, data] of bad)
      expect(DomainEvent.safeParse({ ...samples[kind], data }).success, `${kind} with ${JSON.stringify(data)}`).toBe(
        false,
      );
  });

  it('builds an event of its kind, keeping only what the schema names, and refuses a malformed one', () => {
    const event = domainEvent('outcome.updated', { groupId, resourceType: 'outcome', resourceId });
    expect(event).toEqual(samples['outcome.updated']);
    const fields = { groupId, resourceType: 'outcome' as const, resourceId, text: 'side-only wording' };
    expect(JSON.stringify(domainEvent('outcome.created', fields))).not.toContain('side-only wording');
    const broken = () =>
      // @ts-expect-error a meeting change without its phase does not build
      domainEvent('meeting.updated', { groupId, resourceType: 'meeting', resourceId, data: { status: 'held' } });
    expect(broken).toThrow(/meeting\.updated.*phase/s);
    // @ts-expect-error an MLS event on another kind of resource does not build
    expect(() => domainEvent('mls.reestablished', { ...samples['outcome.deleted'] })).toThrow(/mls\.reestablished/);
  });

  it('narrows to one kind, or several', () => {
    const event: DomainEvent = samples['mls.commit-requested'];
    expect(isEventOf(event, 'mls.commit-requested') && event.data.remove[0]?.leafIndex).toBe(1);
    expect(isEventOf(event, 'mls.message', 'mls.welcome')).toBe(false);
  });

  it('rides in the server message, and converts to JSON Schema as the API documentation does', () => {
    const message = { type: 'event', topic: `mls:${resourceId}`, event: samples['mls.message'] };
    expect(ServerMessage.parse(message)).toEqual(message);
    const schema = z.toJSONSchema(DomainEvent, { io: 'output', unrepresentable: 'any' });
    expect(schema.oneOf ?? schema.anyOf).toHaveLength(DOMAIN_EVENT_KINDS.length);
  });
});
