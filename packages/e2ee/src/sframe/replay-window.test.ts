import { describe, expect, it } from 'vitest';
import { SFrameError } from './errors.js';
import { ReplayWindow } from './replay-window.js';

describe('ReplayWindow', () => {
  it('accepts each CTR once and in any order within the window', () => {
    const window = new ReplayWindow(64);
    expect(window.highest).toBeUndefined();
    for (const ctr of [5n, 3n, 9n, 4n, 0n]) expect(window.accept(ctr)).toBe('fresh');
    for (const ctr of [5n, 3n, 9n, 4n, 0n]) expect(window.accept(ctr)).toBe('duplicate');
    expect(window.highest).toBe(9n);
    expect(window.check(1n)).toBe('fresh');
  });

  it('refuses CTRs that fell behind the window, and keeps the exact edge', () => {
    const window = new ReplayWindow(32);
    expect(window.accept(100n)).toBe('fresh');
    expect(window.check(68n)).toBe('too_old'); // 100 - 68 = 32 = size
    expect(window.accept(69n)).toBe('fresh'); // oldest slot still inside
    expect(window.accept(69n)).toBe('duplicate');
    expect(window.accept(101n)).toBe('fresh');
    expect(window.check(69n)).toBe('too_old');
  });

  it('forgets slots it slides over, including jumps larger than the window', () => {
    const window = new ReplayWindow(32);
    for (let c = 0n; c < 32n; c++) window.accept(c);
    expect(window.accept(40n)).toBe('fresh');
    // 33..39 reuse the slots of 1..7 and must read as unseen.
    for (let c = 33n; c < 40n; c++) expect(window.accept(c)).toBe('fresh');
    expect(window.accept(1000n)).toBe('fresh');
    for (let c = 969n; c < 1000n; c++) expect(window.check(c)).toBe('fresh');
    expect(window.check(968n)).toBe('too_old');
  });

  it('works at the top of the 64-bit CTR space', () => {
    const window = new ReplayWindow(128);
    const max = (1n << 64n) - 1n;
    expect(window.accept(max)).toBe('fresh');
    expect(window.accept(max)).toBe('duplicate');
    expect(window.accept(max - 127n)).toBe('fresh');
    expect(window.check(max - 128n)).toBe('too_old');
  });

  it('only checks without recording', () => {
    const window = new ReplayWindow();
    expect(window.size).toBe(1024);
    expect(window.check(3n)).toBe('fresh');
    expect(window.check(3n)).toBe('fresh');
    expect(window.highest).toBeUndefined();
  });

  it('validates its size', () => {
    for (const size of [0, 16, 33, 1.5, 1 << 17]) expect(() => new ReplayWindow(size)).toThrow(SFrameError);
  });
});
