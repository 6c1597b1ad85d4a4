import { CreateAgendaItemBody, CreateMeetingBody, SaveReadoutBody } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { limitsOf, maxLengthOf } from './limits';

describe('text limits shown by the forms come from the protocol', () => {
  it('reads the maximum through trims, optionals and defaults', () => {
    expect(limitsOf(CreateMeetingBody)).toMatchObject({ title: 200, location: 300, format: undefined });
    expect(limitsOf(CreateAgendaItemBody)).toMatchObject({ title: 300, notes: 10_000 });
    expect(maxLengthOf(SaveReadoutBody.shape.title)).toBe(300);
  });
});
