import { describe, expect, it } from 'vitest';
import { isKeyChecked } from './checked-keys';

describe('a device key marked as checked in this browser', () => {
  const device = { userId: 'u1', deviceId: 'd1', fingerprint: 'AB12 CD34' };
  const checked = { 'u1:d1': 'AB12 CD34' };

  it('counts as checked for that exact key', () => {
    expect(isKeyChecked(checked, device)).toBe(true);
  });

  it('is flagged again once the key changes, and the mark does not carry to another device or person', () => {
    expect(isKeyChecked(checked, { ...device, fingerprint: 'EF56 0000' })).toBe(false);
    expect(isKeyChecked(checked, { ...device, deviceId: 'd2' })).toBe(false);
    expect(isKeyChecked(checked, { ...device, userId: 'u2' })).toBe(false);
    expect(isKeyChecked({}, device)).toBe(false);
  });

  it('never for a key whose fingerprint is unknown', () => {
    expect(isKeyChecked({ 'u1:d1': '' }, { ...device, fingerprint: '' })).toBe(false);
  });
});
