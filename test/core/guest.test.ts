import { describe, expect, it } from 'vitest';
import { isUUID, resolveGuestId } from '../../src/core/guest.js';
import { toRequestView } from '../../src/core/request.js';

const NAME = 'guest_logto_authtoken';
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const withCookie = (value: string) => toRequestView({ headers: { cookie: `${NAME}=${value}` } });

describe('resolveGuestId', () => {
  it('keeps a UUID from the guest cookie', () => {
    const id = '0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e';
    expect(resolveGuestId(withCookie(id), NAME)).toEqual({ guestId: id, isNewGuest: false });
  });

  it('normalises an upper-case UUID to lower case', () => {
    const result = resolveGuestId(withCookie('0B4E6A5C-7D1F-4C2A-9E8B-3F5D2A1C6B7E'), NAME);
    expect(result).toEqual({ guestId: '0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e', isNewGuest: false });
  });

  it('accepts any RFC 9562 version (v7 here)', () => {
    const v7 = '01890a5d-ac96-774b-bcce-b302099a8057';
    expect(resolveGuestId(withCookie(v7), NAME).guestId).toBe(v7);
  });

  it('reads the configured cookie name and pre-parsed cookies', () => {
    const id = '11111111-2222-4333-8444-555555555555';
    expect(resolveGuestId(toRequestView({ headers: { cookie: `g=${id}` } }), 'g')).toEqual({ guestId: id, isNewGuest: false });
    expect(resolveGuestId(toRequestView({ headers: {}, cookies: { [NAME]: id } }), NAME).guestId).toBe(id);
  });

  it('makes a fresh id when there is no guest cookie, a different one each time', () => {
    const a = resolveGuestId(toRequestView({ headers: {} }), NAME);
    const b = resolveGuestId(toRequestView('raw-token'), NAME);
    expect(a.isNewGuest).toBe(true);
    expect(a.guestId).toMatch(LOWER_UUID);
    expect(b.guestId).toMatch(LOWER_UUID);
    expect(a.guestId).not.toBe(b.guestId);
  });

  it('regression: seed accepted any guest id', () => {
    const forged = [
      'admin',
      '1',
      '../../etc/passwd',
      "x' OR '1'='1",
      '%3Cscript%3E',
      '0b4e6a5c7d1f4c2a9e8b3f5d2a1c6b7e',
      '{0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e}',
      'urn:uuid:0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e',
      '0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e0',
      'gb4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e',
      'a'.repeat(5000),
    ];
    for (const value of forged) {
      const result = resolveGuestId(withCookie(value), NAME);
      expect(result.isNewGuest).toBe(true);
      expect(result.guestId).toMatch(LOWER_UUID);
      expect(result.guestId).not.toBe(value);
    }
  });
});

describe('isUUID', () => {
  it('accepts the text form only', () => {
    expect(isUUID('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(isUUID('FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF')).toBe(true);
    expect(isUUID('')).toBe(false);
    expect(isUUID(' 0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e')).toBe(false);
    expect(isUUID('0b4e6a5c-7d1f-4c2a-9e8b-3f5d2a1c6b7e\n')).toBe(false);
  });
});
