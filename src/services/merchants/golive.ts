import type { IntegrationId, MerchantId } from '../../core/ids.js';
import { LIVE_GROUPS } from '../../core/credentials.js';
import { TollgateError } from '../../core/errors.js';
import { isPaymentMethod } from '../../core/payment-methods.js';
import { methodWorksIn } from '../payments/pay.js';
import { findIntegration, findIntegrationAnyMerchant, listIntegrationsByGoLiveState, updateIntegration } from '../../store/repos/integrations.js';
import { findMerchant } from '../../store/repos/merchants.js';
import { countPayments } from '../../store/repos/payments.js';
import type { ServiceDeps } from '../deps.js';
import { enqueueMail } from '../mail/outbox.js';
import { authTransaction } from './auth-cache.js';
import { type Actor, audit } from './audit.js';
import { currentCredentialSet, rotateCredentials } from './credentials.js';
import { formatCredentialMail, type IntegrationView, integrationView } from './integrations.js';

/**
 * What a merchant must know before live payments: the enabled methods with no live connector, which
 * the live checkout will not offer (with none, customers are told they cannot pay online).
 */
export function goLiveWarnings(integration: Pick<IntegrationView, 'enabledMethods'>): string[] {
  const missing = integration.enabledMethods.filter((m) => !isPaymentMethod(m) || !methodWorksIn('live', m));
  if (missing.length === 0) return [];
  return [
    `Live payments need a live connector for each payment method, and none is configured for ${missing.join(', ')}: the live checkout will not offer ${missing.length === 1 ? 'it' : 'them'}` +
      (missing.length === integration.enabledMethods.length ? ', so customers will be told they cannot pay online until a connector is configured.' : '.'),
  ];
}

/** The state a successful payment ends in; the payments core owns the state names. */
const PAID_STATE = 'paid';

/**
 * The merchant asks to go live. Refused, with the reason, unless the email is verified, the
 * integration is in test mode and not already waiting, and it has at least one successful test payment.
 */
export async function requestGoLive(deps: ServiceDeps, merchantId: MerchantId, id: IntegrationId, actor: Actor): Promise<IntegrationView> {
  const now = deps.clock.now();
  await authTransaction(deps, async (tx) => {
    const merchant = await findMerchant(tx, merchantId);
    const integration = await findIntegration(tx, merchantId, id);
    if (!merchant || !integration) throw new TollgateError('not_found', `integration ${id} not found`);
    if (merchant.emailVerifiedAt === null) {
      throw new TollgateError('not_verified', 'verify your email address before asking to go live (see the mail we sent you)');
    }
    if (integration.disabledAt !== null) throw new TollgateError('invalid_state', 'the integration is disabled');
    if (integration.mode === 'live') throw new TollgateError('invalid_state', 'the integration is already live');
    if (integration.goLive.state === 'requested') throw new TollgateError('invalid_state', 'a go-live request is already waiting for review');
    const paid = await countPayments(tx, id, 'test', PAID_STATE);
    if (paid < 1) {
      throw new TollgateError('invalid_state', 'at least one successful test payment is required before going live; this integration has none');
    }
    await updateIntegration(tx, merchantId, id, { golive_state: 'requested', golive_reason: null, golive_requested_at: now, golive_decided_at: null, golive_decided_by: null }, now);
    await audit(tx, deps.ids, { merchantId, integrationId: id, actor, action: 'golive.requested', detail: { successfulTestPayments: paid } }, now);
  });
  return integrationView((await findIntegration(deps.store.db, merchantId, id))!);
}

/** The go-live queue, for operators: each integration with the merchant who asked. */
export async function pendingGoLiveRequests(deps: ServiceDeps): Promise<Array<IntegrationView & { merchantId: MerchantId }>> {
  return (await listIntegrationsByGoLiveState(deps.store.db, 'requested')).map((i) => ({ ...integrationView(i), merchantId: i.merchantId }));
}

/**
 * An operator decides. Approval sets the integration live and renews every credential that can act
 * on live data (so no key a developer saw in testing reaches live money), emailing the new ones.
 */
export async function decideGoLive(
  deps: ServiceDeps,
  id: IntegrationId,
  decision: { approve: true } | { approve: false; reason: string },
  actor: Actor,
): Promise<IntegrationView> {
  const now = deps.clock.now();
  const merchantId = await authTransaction(deps, async (tx) => {
    const integration = await findIntegrationAnyMerchant(tx, id);
    if (!integration) throw new TollgateError('not_found', `integration ${id} not found`);
    if (integration.goLive.state !== 'requested') throw new TollgateError('invalid_state', 'this integration has no go-live request waiting');
    const m = integration.merchantId;
    const merchant = await findMerchant(tx, m);
    if (!merchant) throw new TollgateError('not_found', 'merchant not found');
    if (decision.approve) {
      await updateIntegration(tx, m, id, { mode: 'live', golive_state: 'approved', golive_reason: null, golive_decided_at: now, golive_decided_by: actor.id }, now);
      await rotateCredentials(tx, deps, id, LIVE_GROUPS, 0, now);
      const live = await findIntegration(tx, m, id);
      const set = await currentCredentialSet(tx, deps.keyring, live!, now);
      await enqueueMail(tx, deps, { to: merchant.companyEmail, kind: 'golive', subject: `${integration.name} is live`, body: formatCredentialMail(integration, set, ['Your integration is live.', ...goLiveWarnings(integrationView(integration)), 'Its live keys (test keys keep working in test mode):'].join('\n\n')) }, now);
      await audit(tx, deps.ids, { merchantId: m, integrationId: id, actor, action: 'golive.approved' }, now);
    } else {
      await updateIntegration(tx, m, id, { golive_state: 'rejected', golive_reason: decision.reason, golive_decided_at: now, golive_decided_by: actor.id }, now);
      await enqueueMail(tx, deps, { to: merchant.companyEmail, kind: 'golive', subject: `${integration.name}: go-live request declined`, body: `Your request to set "${integration.name}" live was declined.\n\nReason: ${decision.reason}\n\nYou can ask again once this is addressed.\n` }, now);
      await audit(tx, deps.ids, { merchantId: m, integrationId: id, actor, action: 'golive.rejected', detail: { reason: decision.reason } }, now);
    }
    return m;
  });
  return integrationView((await findIntegration(deps.store.db, merchantId, id))!);
}
