import { describe, expect, it } from 'vitest';
import { csrfError, type CsrfSettings } from '../../src/core/csrf.js';
import { AuthError } from '../../src/core/errors.js';
import { toRequestView } from '../../src/core/request.js';

const SELF = 'https://api.example.com';
const TRUSTED = 'https://app.example.com';
const settings: CsrfSettings = { trustedOrigins: new Set([TRUSTED]) };

type Site = 'absent' | 'same-origin' | 'none' | 'same-site' | 'cross-site';
type OriginKind = 'absent' | 'same' | 'foreign' | 'trusted' | 'null';

const originValue: Record<OriginKind, string | undefined> = {
  absent: undefined,
  same: SELF,
  foreign: 'https://evil.example.net',
  trusted: TRUSTED,
  null: 'null',
};

function view(method: string, site: Site, origin: OriginKind) {
  const headers: Record<string, string> = {};
  if (site !== 'absent') headers['sec-fetch-site'] = site;
  const value = originValue[origin];
  if (value !== undefined) headers.origin = value;
  return toRequestView(new Request(`${SELF}/graphql`, { method, headers }));
}

// Expected outcome for a non-safe method: Go 1.25 CrossOriginProtection, written out by hand.
const P = 'pass';
const R = 'refuse';
const unsafeTable: Record<Site, Record<OriginKind, 'pass' | 'refuse'>> = {
  absent: { absent: P, same: P, foreign: R, trusted: P, null: R },
  'same-origin': { absent: P, same: P, foreign: P, trusted: P, null: P },
  none: { absent: P, same: P, foreign: P, trusted: P, null: P },
  'same-site': { absent: R, same: R, foreign: R, trusted: P, null: R },
  'cross-site': { absent: R, same: R, foreign: R, trusted: P, null: R },
};

const SAFE = ['GET', 'HEAD', 'OPTIONS'];
const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE'];
const sites = Object.keys(unsafeTable) as Site[];
const origins = Object.keys(originValue) as OriginKind[];

describe('csrfError matrix', () => {
  for (const method of [...SAFE, ...UNSAFE]) {
    for (const site of sites) {
      for (const origin of origins) {
        const expected = SAFE.includes(method) ? P : unsafeTable[site][origin];
        it(`${method} Sec-Fetch-Site=${site} Origin=${origin} → ${expected}`, () => {
          const error = csrfError(view(method, site, origin), settings);
          if (expected === P) expect(error).toBeUndefined();
          else {
            expect(error).toBeInstanceOf(AuthError);
            expect(error?.code).toBe('csrf_rejected');
            expect(error?.status).toBe(403);
            expect(error?.message).toBe('cross-site request with a cookie-borne token was refused');
          }
        });
      }
    }
  }
});

describe('csrfError details', () => {
  it('is off with csrf: false', () => {
    for (const site of sites) for (const origin of origins) expect(csrfError(view('POST', site, origin), false)).toBeUndefined();
  });

  it('refuses a trusted-looking origin that is not in the set', () => {
    expect(csrfError(view('POST', 'cross-site', 'trusted'), { trustedOrigins: new Set() })?.code).toBe('csrf_rejected');
  });

  it('compares hosts, not schemes, when only Origin is present (as Go does behind TLS proxies)', () => {
    const plainHttpView = toRequestView({ method: 'POST', headers: { host: 'api.example.com', origin: SELF } });
    expect(plainHttpView.origin).toBe('http://api.example.com');
    expect(csrfError(plainHttpView, settings)).toBeUndefined();
    const otherPort = toRequestView({ method: 'POST', headers: { host: 'api.example.com', origin: 'https://api.example.com:8443' } });
    expect(csrfError(otherPort, settings)?.code).toBe('csrf_rejected');
  });

  it('refuses a foreign Origin when the request origin is unknown', () => {
    const noHost = toRequestView({ method: 'POST', headers: { origin: SELF } });
    expect(noHost.origin).toBeUndefined();
    expect(csrfError(noHost, settings)?.code).toBe('csrf_rejected');
    const trusted = toRequestView({ method: 'POST', headers: { origin: TRUSTED } });
    expect(csrfError(trusted, settings)).toBeUndefined();
  });

  it('treats empty Sec-Fetch-Site and Origin headers as absent', () => {
    const bothEmpty = toRequestView({ method: 'POST', headers: { 'sec-fetch-site': '', origin: '' } });
    expect(csrfError(bothEmpty, settings)).toBeUndefined();
    const emptySite = toRequestView({ method: 'POST', url: `${SELF}/`, headers: { 'sec-fetch-site': '', origin: 'https://evil.test' } });
    expect(csrfError(emptySite, settings)?.code).toBe('csrf_rejected');
  });

  it('refuses junk and non-http origins, and duplicated headers that merge into junk', () => {
    for (const origin of ['not a url', 'file://', 'chrome-extension://abc', `${SELF}, https://evil.test`]) {
      const v = toRequestView({ method: 'POST', url: `${SELF}/`, headers: { origin } });
      expect(csrfError(v, settings)?.code).toBe('csrf_rejected');
    }
    const mergedSite = toRequestView({ method: 'POST', url: `${SELF}/`, headers: { 'sec-fetch-site': ['same-origin', 'cross-site'] } });
    expect(csrfError(mergedSite, settings)?.code).toBe('csrf_rejected');
  });

  it('normalises the Origin header before looking it up in trustedOrigins', () => {
    const upper = toRequestView({ method: 'POST', headers: { 'sec-fetch-site': 'cross-site', origin: 'HTTPS://APP.EXAMPLE.COM:443' } });
    expect(csrfError(upper, settings)).toBeUndefined();
  });

  it('treats lower-case methods as their upper-case selves', () => {
    const lowerGet = toRequestView({ method: 'get', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(csrfError(lowerGet, settings)).toBeUndefined();
    const lowerPost = toRequestView({ method: 'post', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(csrfError(lowerPost, settings)?.code).toBe('csrf_rejected');
  });
});
