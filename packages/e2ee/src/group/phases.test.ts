import { describe, expect, it } from 'vitest';
import { GROUP_PHASES, type GroupEvent, IllegalTransitionError, nextPhase, TRANSITIONS } from './phases.js';

const EVENTS: GroupEvent[] = [
  'created',
  'restored',
  'welcomed',
  'joined-externally',
  'awaits-welcome',
  'replaced',
  'restarted',
  'removed',
  'left',
  'failed',
];

describe('the MLS group client’s transition table', () => {
  it('starts a device in the group the three ways of docs/call-keys.md §4 and waits otherwise', () => {
    expect(nextPhase('starting', 'created')).toBe('ready');
    expect(nextPhase('starting', 'restored')).toBe('ready');
    expect(nextPhase('starting', 'welcomed')).toBe('ready');
    expect(nextPhase('starting', 'awaits-welcome')).toBe('waiting-for-welcome');
    expect(nextPhase('waiting-for-welcome', 'welcomed')).toBe('ready');
    expect(nextPhase('waiting-for-welcome', 'joined-externally')).toBe('ready');
  });

  it('sends a replaced membership back to its Welcome and a restarted thread back to the lookup', () => {
    expect(nextPhase('ready', 'replaced')).toBe('waiting-for-welcome');
    expect(nextPhase('ready', 'restarted')).toBe('starting');
    expect(nextPhase('waiting-for-welcome', 'restarted')).toBe('starting');
  });

  it('ends on a removal or a leave, and a removed device can be welcomed back', () => {
    expect(nextPhase('ready', 'removed')).toBe('ended');
    for (const phase of GROUP_PHASES) expect(nextPhase(phase, 'left')).toBe('ended');
    expect(nextPhase('ended', 'welcomed')).toBe('ready');
  });

  it('lets every phase fail', () => {
    for (const phase of GROUP_PHASES) expect(nextPhase(phase, 'failed')).toBe('failed');
  });

  it('refuses what cannot happen, naming the phase and the event', () => {
    const refused: [(typeof GROUP_PHASES)[number], GroupEvent][] = [
      ['ready', 'created'],
      ['ready', 'welcomed'],
      ['ready', 'restored'],
      ['ready', 'awaits-welcome'],
      ['starting', 'removed'],
      ['starting', 'replaced'],
      ['waiting-for-welcome', 'restored'],
      ['waiting-for-welcome', 'removed'],
      ['ended', 'removed'],
      ['ended', 'joined-externally'],
      ['ended', 'created'],
    ];
    for (const [phase, event] of refused) {
      expect(() => nextPhase(phase, event)).toThrow(IllegalTransitionError);
      expect(() => nextPhase(phase, event)).toThrow(`event "${event}" is not allowed in phase "${phase}"`);
    }
  });

  it('names only known phases as targets', () => {
    for (const phase of GROUP_PHASES)
      for (const event of EVENTS) {
        const to = TRANSITIONS[phase][event];
        if (to !== undefined) expect(GROUP_PHASES).toContain(to);
      }
  });
});
