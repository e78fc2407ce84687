/**
 * A Logto webhook delivery's JSON body. Every delivery has `hookId`, `event`
 * and `createdAt` (ISO 8601); data events add the Management API call
 * (`path`, `method`, `status`, `params`, `matchedRoute`) and the entity in
 * `data`; interaction events (`PostSignIn`, `PostResetPassword`, …) add
 * `interactionEvent`, `sessionId`, `userId`, `user`, `application`.
 *
 * @example
 * ```ts
 * const rule = (payload: LogtoWebhookPayload) => (payload.event === 'User.Data.Updated' ? [{ sub: String((payload.data as { id: string }).id) }] : undefined)
 * ```
 */
export interface LogtoWebhookPayload {
  event: string;
  createdAt: string;
  hookId?: string;
  [field: string]: unknown;
}

/**
 * Whose tokens a delivery revokes: a user's, or only those bound to one organization.
 *
 * @example
 * ```ts
 * const targets: WebhookRevocationTarget[] = [{ sub: 'u1' }, { sub: 'u2', organizationId: 'org1' }]
 * ```
 */
export interface WebhookRevocationTarget {
  /** The Logto user id (`sub` of their tokens). */
  sub: string;
  /** Only the user's tokens bound to this organization; absent: all of them. */
  organizationId?: string;
}

/**
 * What revokes: a built-in event name, or a function of the delivery
 * returning whose tokens it revokes (`undefined` or `[]`: nobody).
 * `'PostResetPassword'` revokes the user who reset a forgotten password;
 * `'Organization.Membership.Updated'` revokes, within that organization only,
 * the users the delivery names as removed.
 *
 * @example
 * ```ts
 * const revokeOn: WebhookRevokeRule[] = ['PostResetPassword', (p) => (p.matchedRoute === '/users/:userId/password' ? [{ sub: String((p.params as { userId: string }).userId) }] : undefined)]
 * ```
 */
export type WebhookRevokeRule = 'PostResetPassword' | 'Organization.Membership.Updated' | ((payload: LogtoWebhookPayload) => readonly WebhookRevocationTarget[] | undefined);

/**
 * A delivery a rule applies to but that names nobody it could revoke (a Logto
 * payload of another shape); the receiver answers 400 with its message.
 *
 * @example
 * ```ts
 * throw new WebhookPayloadError('User.Deleted delivery names no user')
 * ```
 */
export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
}

type Rule = (payload: LogtoWebhookPayload) => readonly WebhookRevocationTarget[] | undefined;

const isId = (value: unknown): value is string => typeof value === 'string' && value !== '';
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const nobody = (payload: LogtoWebhookPayload): never => {
  throw new WebhookPayloadError(`${payload.event} delivery names no user`);
};
const on = (event: string, rule: Rule): Rule => (payload) => (payload.event === event ? rule(payload) : undefined);

// A data event's entity is in `data`; the route's `params.userId` names it too.
const dataUser = (payload: LogtoWebhookPayload): string | undefined => {
  const id = record(payload.data).id ?? record(payload.params).userId;
  return isId(id) ? id : undefined;
};

const userDeleted = on('User.Deleted', (payload) => [{ sub: dataUser(payload) ?? nobody(payload) }]);
// Reactivation (`isSuspended: false`) revokes nothing.
const userSuspended = on('User.SuspensionStatus.Updated', (payload) => (record(payload.data).isSuspended === true ? [{ sub: dataUser(payload) ?? nobody(payload) }] : []));
const passwordReset = on('PostResetPassword', (payload) => {
  const id = payload.userId ?? record(payload.user).id;
  return [{ sub: isId(id) ? id : nobody(payload) }];
});
// Logto 1.37 sends one delivery per `DELETE /organizations/:id/users/:userId` (`params.userId`);
// later versions list `removedUserIds`. Adding users names nobody removed.
const membershipRemoved = on('Organization.Membership.Updated', (payload) => {
  const { organizationId } = payload;
  const removed = [...(Array.isArray(payload.removedUserIds) ? payload.removedUserIds : [])];
  if (payload.method === 'DELETE') removed.push(record(payload.params).userId);
  const users = removed.filter(isId);
  if (users.length === 0) return [];
  if (!isId(organizationId)) throw new WebhookPayloadError('Organization.Membership.Updated delivery names no organizationId');
  return users.map((sub) => ({ sub, organizationId }));
});

const NAMED: Record<string, Rule> = { PostResetPassword: passwordReset, 'Organization.Membership.Updated': membershipRemoved };

/**
 * The rules a receiver applies: the defaults (`User.Deleted`, and
 * `User.SuspensionStatus.Updated` with the user suspended) and `revokeOn`.
 * A rule that is neither a known name nor a function throws a `TypeError`.
 *
 * @example
 * ```ts
 * const rules = webhookRules(['PostResetPassword'])
 * const targets = revocationTargets(rules, payload) // [{ sub: 'u1' }]
 * ```
 */
export function webhookRules(revokeOn: readonly WebhookRevokeRule[] = []): Rule[] {
  if (!Array.isArray(revokeOn)) throw new TypeError('logto-authkit: option "revokeOn" must be an array of event names or functions');
  return [
    userDeleted,
    userSuspended,
    ...revokeOn.map((rule): Rule => {
      if (typeof rule === 'function') return rule;
      const named = typeof rule === 'string' ? NAMED[rule] : undefined;
      if (!named) throw new TypeError(`logto-authkit: option "revokeOn" knows ${Object.keys(NAMED).join(', ')} or a function, not ${JSON.stringify(rule)}`);
      return named;
    }),
  ];
}

/**
 * Whose tokens `payload` revokes under `rules`. Throws a {@link WebhookPayloadError}
 * when a rule applies but the delivery names nobody, and a `TypeError` when a
 * custom rule returns something other than targets.
 *
 * @example
 * ```ts
 * revocationTargets(webhookRules(), { event: 'User.Deleted', createdAt, data: { id: 'u1' } }) // [{ sub: 'u1' }]
 * ```
 */
export function revocationTargets(rules: readonly Rule[], payload: LogtoWebhookPayload): WebhookRevocationTarget[] {
  const targets: WebhookRevocationTarget[] = [];
  for (const rule of rules) {
    const found = rule(payload) ?? [];
    if (!Array.isArray(found)) throw new TypeError('logto-authkit: a "revokeOn" function must return an array of { sub, organizationId? }');
    for (const target of found as readonly WebhookRevocationTarget[]) {
      if (!isId(target?.sub) || (target.organizationId !== undefined && !isId(target.organizationId))) {
        throw new TypeError('logto-authkit: a "revokeOn" target needs a non-empty "sub" (and "organizationId", when given)');
      }
      targets.push(target.organizationId === undefined ? { sub: target.sub } : { sub: target.sub, organizationId: target.organizationId });
    }
  }
  return targets;
}
