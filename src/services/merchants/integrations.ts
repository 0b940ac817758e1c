import type { IntegrationId, MerchantId } from '../../core/ids.js';
import {
  type CredentialSet,
  type CredentialSlot,
  generateIntegrationNumber,
  ROTATION_GROUP_NAMES,
  type RotationGroup,
} from '../../core/credentials.js';
import { TollgateError } from '../../core/errors.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../../core/payment-methods.js';
import { isUniqueViolation } from '../../store/errors.js';
import { listAudit, type AuditEntry } from '../../store/repos/audit.js';
import {
  findIntegration,
  insertIntegration,
  type Integration,
  type IntegrationPatch,
  listIntegrations,
  updateIntegration,
} from '../../store/repos/integrations.js';
import { findMerchant } from '../../store/repos/merchants.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import { decodeCursor, type Page, type PageRequest, pageOf } from '../paging.js';

export type { Integration } from '../../store/repos/integrations.js';
import { enqueueMail } from '../mail/outbox.js';
import { authTransaction } from './auth-cache.js';
import { type Actor, audit } from './audit.js';
import { createCredentials, currentCredentialSet, rotateCredentials } from './credentials.js';

export const MAX_GRACE_MS = 7 * 24 * 60 * 60_000;

export interface IntegrationInput {
  name: string;
  absorbFees?: boolean | undefined;
  notificationEmail?: string | null | undefined;
  notificationUrl?: string | null | undefined;
  note?: string | null | undefined;
  enabledMethods?: PaymentMethod[] | undefined;
  /** Paynow Zimbabwe payments on this integration are in this currency. */
  paynowZwCurrency?: 'USD' | 'ZWG' | undefined;
}

export interface IntegrationView {
  id: IntegrationId;
  name: string;
  mode: 'test' | 'live';
  absorbFees: boolean;
  notificationEmail: string | null;
  notificationUrl: string | null;
  note: string | null;
  enabledMethods: string[];
  disabled: boolean;
  goLive: { state: string; reason: string | null; requestedAt: string | null; decidedAt: string | null };
  /** The Paynow Zimbabwe integration id is not a secret: the merchant sends it in every request. */
  paynowZwIntegrationId: number;
  paynowZwCurrency: string;
  createdAt: string;
  updatedAt: string;
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export function integrationView(i: Integration): IntegrationView {
  return {
    id: i.id,
    name: i.name,
    mode: i.mode,
    absorbFees: i.absorbFees,
    notificationEmail: i.notificationEmail,
    notificationUrl: i.notificationUrl,
    note: i.note,
    enabledMethods: i.enabledMethods,
    disabled: i.disabledAt !== null,
    goLive: { state: i.goLive.state, reason: i.goLive.reason, requestedAt: iso(i.goLive.requestedAt), decidedAt: iso(i.goLive.decidedAt) },
    paynowZwIntegrationId: i.number,
    paynowZwCurrency: i.zwCurrency,
    createdAt: new Date(i.createdAt).toISOString(),
    updatedAt: new Date(i.updatedAt).toISOString(),
  };
}

export function formatCredentialMail(integration: Pick<Integration, 'name' | 'id'>, creds: CredentialSet, heading: string): string {
  return [
    heading,
    '',
    `Integration: ${integration.name} (${integration.id})`,
    '',
    'Paynow Zimbabwe',
    `  Integration ID:  ${creds.paynowZw.integrationId}`,
    `  Integration Key: ${creds.paynowZw.integrationKey}`,
    '',
    'Paynow.pl',
    `  Sandbox Api-Key:          ${creds.paynowPl.sandbox.apiKey}`,
    `  Sandbox Signature-Key:    ${creds.paynowPl.sandbox.signatureKey}`,
    `  Production Api-Key:       ${creds.paynowPl.production.apiKey}`,
    `  Production Signature-Key: ${creds.paynowPl.production.signatureKey}`,
    '',
    'PayDunya',
    `  Master key:        ${creds.paydunya.masterKey}`,
    `  Test private key:  ${creds.paydunya.test.privateKey}`,
    `  Test public key:   ${creds.paydunya.test.publicKey}`,
    `  Test token:        ${creds.paydunya.test.token}`,
    `  Live private key:  ${creds.paydunya.live.privateKey}`,
    `  Live public key:   ${creds.paydunya.live.publicKey}`,
    `  Live token:        ${creds.paydunya.live.token}`,
    '',
    'Tollgate webhook (rotate the tollgate-webhook group to get one if this says none)',
    `  Signing secret:    ${creds.tollgate.webhookSecret ?? 'none'}`,
    '',
    'Keep these secret. Tollgate will not show them again; use "Generate New Key" if they leak.',
    '',
  ].join('\n');
}

async function requireIntegration(deps: ServiceDeps, merchantId: MerchantId, id: IntegrationId): Promise<Integration> {
  const i = await findIntegration(deps.store.db, merchantId, id);
  if (!i) throw new TollgateError('not_found', `integration ${id} not found`);
  return i;
}

async function companyEmail(tx: Tx, merchantId: MerchantId): Promise<string> {
  const m = await findMerchant(tx, merchantId);
  if (!m) throw new TollgateError('not_found', 'merchant not found');
  return m.companyEmail;
}

/**
 * Creates an integration in test mode with all its credentials, emails them to the company address
 * and returns them once. `chosen` lets a sandbox fixture fix the credentials a CI suite already knows.
 */
export async function createIntegration(
  deps: ServiceDeps,
  merchantId: MerchantId,
  input: IntegrationInput,
  actor: Actor,
  chosen: { number?: number; credentials?: Partial<Record<CredentialSlot, string>> } = {},
): Promise<{ integration: IntegrationView; credentials: CredentialSet }> {
  const now = deps.clock.now();
  for (let attempt = 0; ; attempt++) {
    const id = deps.ids.next('integration');
    const number = chosen.number ?? generateIntegrationNumber();
    try {
      const creds = await authTransaction(deps, async (tx) => {
        const to = await companyEmail(tx, merchantId);
        await insertIntegration(tx, {
          id,
          merchant_id: merchantId,
          number,
          name: input.name,
          absorb_fees: input.absorbFees ? 1 : 0,
          notification_email: input.notificationEmail ?? null,
          notification_url: input.notificationUrl ?? null,
          note: input.note ?? null,
          enabled_methods: JSON.stringify(input.enabledMethods ?? PAYMENT_METHODS),
          zw_currency: input.paynowZwCurrency ?? 'USD',
          mode: 'test',
          golive_state: 'none',
          golive_reason: null,
          golive_requested_at: null,
          golive_decided_at: null,
          golive_decided_by: null,
          disabled_at: null,
          created_at: now,
          updated_at: now,
        });
        await createCredentials(tx, deps, id, now, chosen.credentials);
        const integration = await findIntegration(tx, merchantId, id);
        if (!integration) throw new TollgateError('internal', 'integration vanished after insert');
        const set = await currentCredentialSet(tx, deps.keyring, integration, now);
        await enqueueMail(tx, deps, { to, kind: 'keys', subject: `Your integration keys: ${input.name}`, body: formatCredentialMail(integration, set, 'Your new integration is in test mode. Its keys:') }, now);
        await audit(tx, deps.ids, { merchantId, integrationId: id, actor, action: 'integration.created', detail: { name: input.name } }, now);
        return { integration, set };
      });
      return { integration: integrationView(creds.integration), credentials: creds.set };
    } catch (err) {
      // A random integration number collided: draw again. A chosen one is the caller's conflict.
      if (isUniqueViolation(err) && chosen.number === undefined && chosen.credentials === undefined && attempt < 5) continue;
      if (isUniqueViolation(err)) throw new TollgateError('conflict', 'an integration with this id or these credentials already exists');
      throw err;
    }
  }
}

/** The merchant's integration, refusing a disabled one: what creating a payment needs. */
export async function requireActiveIntegration(deps: ServiceDeps, merchantId: MerchantId, id: IntegrationId): Promise<Integration> {
  const i = await requireIntegration(deps, merchantId, id);
  if (i.disabledAt !== null) throw new TollgateError('invalid_state', 'the integration is disabled');
  return i;
}

export async function listMerchantIntegrations(deps: ServiceDeps, merchantId: MerchantId): Promise<IntegrationView[]> {
  return (await listIntegrations(deps.store.db, merchantId)).map(integrationView);
}

export async function getIntegration(deps: ServiceDeps, merchantId: MerchantId, id: IntegrationId): Promise<IntegrationView> {
  return integrationView(await requireIntegration(deps, merchantId, id));
}

export async function updateIntegrationSettings(
  deps: ServiceDeps,
  merchantId: MerchantId,
  id: IntegrationId,
  input: Partial<IntegrationInput> & { disabled?: boolean | undefined },
  actor: Actor,
): Promise<IntegrationView> {
  const now = deps.clock.now();
  const patch: IntegrationPatch = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.absorbFees !== undefined && { absorb_fees: input.absorbFees ? 1 : 0 }),
    ...(input.notificationEmail !== undefined && { notification_email: input.notificationEmail }),
    ...(input.notificationUrl !== undefined && { notification_url: input.notificationUrl }),
    ...(input.note !== undefined && { note: input.note }),
    ...(input.enabledMethods !== undefined && { enabled_methods: JSON.stringify(input.enabledMethods) }),
    ...(input.disabled !== undefined && { disabled_at: input.disabled ? now : null }),
    ...(input.paynowZwCurrency !== undefined && { zw_currency: input.paynowZwCurrency }),
  };
  await authTransaction(deps, async (tx) => {
    if (!(await updateIntegration(tx, merchantId, id, patch, now))) {
      throw new TollgateError('not_found', `integration ${id} not found`);
    }
    const fields = Object.keys(input).sort();
    const action = input.disabled === true ? 'integration.disabled' : input.disabled === false ? 'integration.enabled' : 'integration.updated';
    await audit(tx, deps.ids, { merchantId, integrationId: id, actor, action, detail: { fields } }, now);
  });
  return getIntegration(deps, merchantId, id);
}

/**
 * "Generate New Key". Default: every group, replaced at once (Paynow's own button does that, so
 * developers who knew the old key lose it). A grace period up to seven days lets both verify.
 * The new values are emailed to the company address; only the CLI gets them back, for the local administrator.
 */
export async function rotateIntegrationKeys(
  deps: ServiceDeps,
  merchantId: MerchantId,
  id: IntegrationId,
  options: { groups?: readonly RotationGroup[] | undefined; graceSeconds?: number | undefined },
  actor: Actor,
): Promise<{ integration: IntegrationView; credentials: CredentialSet; groups: RotationGroup[] }> {
  const groups = [...(options.groups?.length ? options.groups : ROTATION_GROUP_NAMES)];
  const graceMs = (options.graceSeconds ?? 0) * 1000;
  if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) {
    throw new TollgateError('validation', 'the grace period must be between 0 and 604800 seconds (7 days)', [
      { path: 'graceSeconds', message: 'between 0 and 604800' },
    ]);
  }
  const now = deps.clock.now();
  const result = await authTransaction(deps, async (tx) => {
    const integration = await findIntegration(tx, merchantId, id);
    if (!integration) throw new TollgateError('not_found', `integration ${id} not found`);
    await rotateCredentials(tx, deps, id, groups, graceMs, now);
    const set = await currentCredentialSet(tx, deps.keyring, integration, now);
    const to = await companyEmail(tx, merchantId);
    const note = graceMs > 0 ? `The previous keys keep working until ${new Date(now + graceMs).toISOString()}.` : 'The previous keys stopped working at once.';
    await enqueueMail(tx, deps, { to, kind: 'keys', subject: `New integration keys: ${integration.name}`, body: formatCredentialMail(integration, set, `New keys were generated for: ${groups.join(', ')}. ${note}`) }, now);
    await audit(tx, deps.ids, { merchantId, integrationId: id, actor, action: 'integration.keys_rotated', detail: { groups, graceSeconds: graceMs / 1000 } }, now);
    return { integration, set };
  });
  return { integration: integrationView(result.integration), credentials: result.set, groups };
}

/** "Email Key To Company Address": the current keys, to the company email, never in the response. */
export async function emailIntegrationKeys(deps: ServiceDeps, merchantId: MerchantId, id: IntegrationId, actor: Actor): Promise<{ to: string }> {
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const integration = await findIntegration(tx, merchantId, id);
    if (!integration) throw new TollgateError('not_found', `integration ${id} not found`);
    const set = await currentCredentialSet(tx, deps.keyring, integration, now);
    const to = await companyEmail(tx, merchantId);
    await enqueueMail(tx, deps, { to, kind: 'keys', subject: `Your integration keys: ${integration.name}`, body: formatCredentialMail(integration, set, 'The keys you asked for:') }, now);
    await audit(tx, deps.ids, { merchantId, integrationId: id, actor, action: 'integration.keys_emailed', detail: { to } }, now);
    return { to };
  });
}

/** The plain credentials, for the local administrator's CLI only. */
export async function revealCredentials(deps: ServiceDeps, merchantId: MerchantId, id: IntegrationId): Promise<CredentialSet> {
  const integration = await requireIntegration(deps, merchantId, id);
  return currentCredentialSet(deps.store.db, deps.keyring, integration, deps.clock.now());
}

/** One page of the merchant's audit log, newest first. */
export async function merchantAuditPage(deps: ServiceDeps, merchantId: MerchantId, page: PageRequest): Promise<Page<AuditEntry>> {
  const rows = await listAudit(deps.store.db, merchantId, decodeCursor(page.cursor), page.limit);
  return pageOf(rows, page.limit, (e) => ({ at: e.createdAt, id: e.id }), (e) => e);
}

/** A shop's URLs (Paynow.pl's PATCH /configuration/shop/urls): where customers return, where notifications go. */
export async function setShopUrls(deps: ServiceDeps, integration: Integration, urls: { continueUrl?: string | null; notificationUrl?: string | null }, actor: Actor): Promise<void> {
  const now = deps.clock.now();
  await authTransaction(deps, async (tx) => {
    await updateIntegration(
      tx,
      integration.merchantId,
      integration.id,
      {
        ...(urls.continueUrl !== undefined && { return_url: urls.continueUrl }),
        ...(urls.notificationUrl !== undefined && { notification_url: urls.notificationUrl }),
      },
      now,
    );
    await audit(tx, deps.ids, { merchantId: integration.merchantId, integrationId: integration.id, actor, action: 'integration.urls_changed', detail: { fields: Object.keys(urls).sort() } }, now);
  });
}

/** What a shop plugin reports of itself (enabled, disabled, updated): kept in the audit log. */
export async function recordPluginStatus(deps: ServiceDeps, integration: Integration, statuses: Array<{ status: string; timestamp: string }>, actor: Actor): Promise<void> {
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    audit(tx, deps.ids, { merchantId: integration.merchantId, integrationId: integration.id, actor, action: 'integration.plugin_status', detail: { statuses } }, now),
  );
}
