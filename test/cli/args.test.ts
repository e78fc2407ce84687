import { describe, expect, it } from 'vitest';
import { parseInspectArgs, parseNow, UsageError } from '../../src/cli/args.js';

const base = ['inspect', '--logto-url', 'https://tenant.logto.app', '--audience', 'https://api.example.com'];

describe('parseInspectArgs', () => {
  it('reads repeatable options, a token and the flags', () => {
    const args = parseInspectArgs([...base, '--audience', 'https://b', '--scope', 'read:posts', '--scope', 'write:posts admin', '--json', '--organization-tokens', 'tok']);
    expect(args).toMatchObject({ audiences: ['https://api.example.com', 'https://b'], scopes: ['read:posts', 'write:posts', 'admin'], json: true, organizationTokens: true, token: 'tok', help: false });
  });

  it('without a token, checks the configuration only; "-" reads standard input', () => {
    expect(parseInspectArgs(base).token).toBeUndefined();
    expect(parseInspectArgs([...base, '-']).token).toBe('-');
  });

  it.each([
    [['inspect', '--audience', 'https://api'], '--logto-url is required unless both --issuer and --jwks-url are given'],
    [['inspect', '--logto-url', 'https://t'], '--audience is required'],
    [['check', ...base.slice(1)], 'unknown command "check"'],
    [[...base, 'a', 'b'], 'give at most one token'],
    [[...base, '--audiences', 'x'], "Unknown option '--audiences'"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseInspectArgs(argv)).toThrow(UsageError);
    expect(() => parseInspectArgs(argv)).toThrow(message);
  });

  it('--issuer with --jwks-url needs no --logto-url', () => {
    expect(parseInspectArgs(['inspect', '--issuer', 'https://auth.example.com/oidc', '--jwks-url', 'https://auth.example.com/oidc/jwks', '--audience', 'https://api'])).toMatchObject({ logtoUrl: undefined, issuers: ['https://auth.example.com/oidc'] });
  });
});

describe('parseNow', () => {
  it('takes seconds since the epoch or an ISO date', () => {
    expect(parseNow('1795430679')).toBe(1_795_430_679_000);
    expect(parseNow('2026-11-23T10:44:39Z')).toBe(1_795_430_679_000);
  });

  it('refuses anything else', () => {
    expect(() => parseNow('tomorrow')).toThrow(UsageError);
    expect(() => parseNow('-5')).toThrow('--now "-5" is neither');
  });
});
