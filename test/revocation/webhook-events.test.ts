import { describe, expect, it } from 'vitest';
import { revocationTargets, WebhookPayloadError, webhookRules, type LogtoWebhookPayload } from '../../src/revocation/webhook-events.js';
import { realDeliveries } from '../helpers/logto-webhooks.js';

const payloads = realDeliveries.map((d) => JSON.parse(d.rawBody) as LogtoWebhookPayload);
const createdAt = '2026-12-02T16:44:57.298Z';

describe('webhookRules / revocationTargets', () => {
  it('by default: the deleted user and the suspended one, from the real deliveries; the reactivation and the rest name nobody', () => {
    expect(payloads.map((p) => revocationTargets(webhookRules(), p))).toEqual(
      payloads.map((p) => (p.event === 'User.Deleted' ? [{ sub: 'rut4nlk8gumr' }] : p.event === 'User.SuspensionStatus.Updated' && (p.data as { isSuspended: boolean }).isSuspended ? [{ sub: 'zv3q33wrekjg' }] : [])),
    );
  });

  it('membership removal: Logto 1.37’s DELETE (params.userId) and later versions’ removedUserIds, within the organization only', () => {
    const rules = webhookRules(['Organization.Membership.Updated']);
    const removal = payloads.find((p) => p.event === 'Organization.Membership.Updated' && p.method === 'DELETE')!;
    expect(revocationTargets(rules, removal)).toEqual([{ sub: 'zv3q33wrekjg', organizationId: 'rx0q2idigazc' }]);
    const later = { event: 'Organization.Membership.Updated', createdAt, organizationId: 'o1', method: 'PUT', removedUserIds: ['u1', 'u2'], addedUserIds: ['u3'] };
    expect(revocationTargets(rules, later)).toEqual([{ sub: 'u1', organizationId: 'o1' }, { sub: 'u2', organizationId: 'o1' }]);
    expect(() => revocationTargets(rules, { ...later, organizationId: undefined } as unknown as LogtoWebhookPayload)).toThrow(WebhookPayloadError);
  });

  it('a custom rule adds targets; what it returns is checked', () => {
    const rules = webhookRules([(p) => (p.event === 'User.Data.Updated' && p.matchedRoute === '/users/:userId/password' ? [{ sub: (p.params as { userId: string }).userId }] : undefined)]);
    expect(revocationTargets(rules, { event: 'User.Data.Updated', createdAt, matchedRoute: '/users/:userId/password', params: { userId: 'u9' } })).toEqual([{ sub: 'u9' }]);
    expect(revocationTargets(rules, payloads.find((p) => p.event === 'User.Data.Updated')!)).toEqual([]);
    const bad = webhookRules([() => [{ sub: '' }]]);
    expect(() => revocationTargets(bad, payloads[0]!)).toThrow(TypeError);
    expect(() => webhookRules(['User.Created' as 'PostResetPassword'])).toThrow(/"revokeOn"/);
  });
});
