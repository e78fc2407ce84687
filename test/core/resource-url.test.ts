import { describe, expect, it } from 'vitest';
import { PROTECTED_RESOURCE_WELL_KNOWN, protectedResourceMetadataPath, protectedResourceMetadataUrl, resourceUrlProblem } from 'logto-authkit';

describe('RFC 9728 §3.1 metadata location', () => {
  it.each([
    ['https://mcp.example.com/mcp', '/.well-known/oauth-protected-resource/mcp', 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com', '/.well-known/oauth-protected-resource', 'https://mcp.example.com/.well-known/oauth-protected-resource'],
    ['https://mcp.example.com/', '/.well-known/oauth-protected-resource', 'https://mcp.example.com/.well-known/oauth-protected-resource'],
    ['https://h.example:8443/a/b', '/.well-known/oauth-protected-resource/a/b', 'https://h.example:8443/.well-known/oauth-protected-resource/a/b'],
    ['http://127.0.0.1:3000/mcp', '/.well-known/oauth-protected-resource/mcp', 'http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp'],
    ['https://h.example/mcp?tenant=a', '/.well-known/oauth-protected-resource/mcp', 'https://h.example/.well-known/oauth-protected-resource/mcp?tenant=a'],
  ])('%s → %s', (resource, path, url) => {
    expect(protectedResourceMetadataPath(resource)).toBe(path);
    expect(protectedResourceMetadataUrl(resource)).toBe(url);
    expect(path.startsWith(PROTECTED_RESOURCE_WELL_KNOWN)).toBe(true);
  });

  it('accepts https anywhere and http only on loopback hosts', () => {
    for (const ok of ['https://a.example/mcp', 'http://localhost:3000/mcp', 'http://127.0.0.1/mcp', 'http://[::1]:8080/']) expect(resourceUrlProblem(ok), ok).toBeUndefined();
  });

  it.each([
    ['http://mcp.example.com/mcp', /must use https: .*e\.g\. "https:\/\/mcp\.example\.com\/mcp"/],
    ['mcp.example.com/mcp', /must be an absolute URL such as "https:\/\/mcp\.example\.com\/mcp"/],
    ['ftp://mcp.example.com/', /must use https:/],
    ['https://mcp.example.com/mcp#tools', /must not have a fragment: drop "#tools"/],
    ['https://mcp.example.com/mcp#', /must not have a fragment/],
    ['https://user:pw@mcp.example.com/mcp', /user name or password/],
    [42, /absolute URL/],
  ])('refuses %s, saying what to change', (value, message) => {
    expect(resourceUrlProblem(value)).toMatch(message);
  });

  it('the path helpers throw a TypeError naming the resource', () => {
    expect(() => protectedResourceMetadataPath('http://mcp.example.com/mcp')).toThrow(TypeError);
    expect(() => protectedResourceMetadataUrl('https://h/mcp#x')).toThrow(/resource "https:\/\/h\/mcp#x" must not have a fragment/);
  });
});
