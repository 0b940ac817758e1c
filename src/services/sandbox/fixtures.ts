import { z } from 'zod';
import { type CredentialSlot, isValidCredential } from '../../core/credentials.js';
import { TollgateError } from '../../core/errors.js';
import { CURRENCIES, type Currency } from '../../core/money.js';
import { PAYMENT_METHODS } from '../../core/payment-methods.js';
import { PAYMENT_STATES, type PaymentState } from '../../core/payment-state.js';
import { listIntegrations } from '../../store/repos/integrations.js';
import { findMerchantByEmail } from '../../store/repos/merchants.js';
import { findPaymentByPublicId } from '../../store/repos/payments.js';
import { findFictitiousCustomer } from '../../store/repos/sandbox.js';
import type { ServiceDeps } from '../deps.js';
import { registerMerchant } from '../merchants/accounts.js';
import { createIntegration } from '../merchants/integrations.js';
import { createPayment } from '../payments/create.js';
import { transitionPayment } from '../payments/transition.js';
import { DIALECT_NAMES } from '../notify/formatter.js';
import { createFictitiousCustomer, liveRefusal } from './controls.js';

const currency = z.enum(Object.keys(CURRENCIES) as [Currency, ...Currency[]]);
const pair = z.object({ apiKey: z.string(), signatureKey: z.string() }).strict();
const triple = z.object({ privateKey: z.string(), publicKey: z.string(), token: z.string() }).strict();

/** A sandbox fixture file: what a CI suite with keys and tokens already written into it expects to find. */
export const fixtureSchema = z
  .object({
    merchants: z.array(
      z
        .object({
          email: z.email(),
          password: z.string().min(12).max(256).optional(),
          company: z.string().min(1).max(200),
          verified: z.boolean().default(true),
          integrations: z
            .array(
              z
                .object({
                  name: z.string().min(1).max(100),
                  notificationUrl: z.url().optional(),
                  notificationEmail: z.email().optional(),
                  enabledMethods: z.array(z.enum(PAYMENT_METHODS)).optional(),
                  paynowZwCurrency: z.enum(['USD', 'ZWG']).optional(),
                  paynowZw: z.object({ integrationId: z.number().int().positive(), integrationKey: z.string() }).strict().optional(),
                  paynowPl: z.object({ sandbox: pair.optional(), production: pair.optional() }).strict().optional(),
                  paydunya: z.object({ masterKey: z.string(), test: triple.optional(), live: triple.optional() }).strict().optional(),
                  customers: z
                    .array(z.object({ name: z.string().min(1), email: z.email(), phone: z.string().regex(/^\+?\d{6,15}$/), balance: z.number().int().nonnegative(), currency }).strict())
                    .default([]),
                  payments: z
                    .array(
                      z
                        .object({
                          dialect: z.enum(DIALECT_NAMES),
                          publicId: z.string().min(1).max(64),
                          displayRef: z.string().max(64).optional(),
                          amount: z.number().int().positive(),
                          currency,
                          state: z.enum(PAYMENT_STATES).default('created'),
                          reference: z.string().max(100).optional(),
                          description: z.string().max(1000).optional(),
                          method: z.enum(PAYMENT_METHODS).optional(),
                          customer: z.object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() }).strict().optional(),
                          returnUrl: z.url().optional(),
                          notifyUrl: z.url().optional(),
                          /** Opaque to Tollgate's core: the fields the payment's wire keeps. */
                          wireData: z.record(z.string(), z.unknown()).optional(),
                        })
                        .strict(),
                    )
                    .default([]),
                })
                .strict(),
            )
            .default([]),
        })
        .strict(),
    ),
  })
  .strict();
export type Fixture = z.input<typeof fixtureSchema>;

export interface LoadReport {
  merchants: number;
  integrations: number;
  customers: number;
  payments: number;
  /** Things that already existed and were left as they are. */
  unchanged: number;
}

/** The path from created to each state, through the allowed transitions. */
const PATH: Record<PaymentState, PaymentState[]> = {
  created: [],
  pending: ['pending'],
  paid: ['paid'],
  failed: ['failed'],
  cancelled: ['cancelled'],
  expired: ['expired'],
  awaiting_delivery: ['paid', 'awaiting_delivery'],
  delivered: ['paid', 'awaiting_delivery', 'delivered'],
  partially_refunded: ['paid', 'partially_refunded'],
  refunded: ['paid', 'refunded'],
  disputed: ['paid', 'disputed'],
};

function chosenCredentials(i: z.output<typeof fixtureSchema>['merchants'][number]['integrations'][number]): Partial<Record<CredentialSlot, string>> {
  const c: Partial<Record<CredentialSlot, string>> = {};
  if (i.paynowZw) c['paynow_zw.integration_key'] = i.paynowZw.integrationKey;
  if (i.paynowPl?.sandbox) Object.assign(c, { 'paynow_pl.sandbox.api_key': i.paynowPl.sandbox.apiKey, 'paynow_pl.sandbox.signature_key': i.paynowPl.sandbox.signatureKey });
  if (i.paynowPl?.production) Object.assign(c, { 'paynow_pl.production.api_key': i.paynowPl.production.apiKey, 'paynow_pl.production.signature_key': i.paynowPl.production.signatureKey });
  if (i.paydunya) {
    c['paydunya.master_key'] = i.paydunya.masterKey;
    if (i.paydunya.test) Object.assign(c, { 'paydunya.test.private_key': i.paydunya.test.privateKey, 'paydunya.test.public_key': i.paydunya.test.publicKey, 'paydunya.test.token': i.paydunya.test.token });
    if (i.paydunya.live) Object.assign(c, { 'paydunya.live.private_key': i.paydunya.live.privateKey, 'paydunya.live.public_key': i.paydunya.live.publicKey, 'paydunya.live.token': i.paydunya.live.token });
  }
  for (const [slot, value] of Object.entries(c)) {
    if (!isValidCredential(slot as CredentialSlot, value)) throw new TollgateError('validation', `${slot}: "${value}" is not in the format its clients require`);
  }
  return c;
}

/**
 * Loads a fixture: merchants, integrations with the credentials the file chooses, fictitious customers,
 * and payments in given states (test mode). What exists already (a merchant by email, an integration by
 * name, a customer by email, a payment by public id) is left alone, so loading twice changes nothing.
 */
export async function loadFixture(deps: ServiceDeps, raw: unknown): Promise<LoadReport> {
  const parsed = fixtureSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TollgateError('validation', `fixture: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const report: LoadReport = { merchants: 0, integrations: 0, customers: 0, payments: 0, unchanged: 0 };
  const system = { kind: 'system' as const, id: null };
  for (const m of parsed.data.merchants) {
    let merchant = await findMerchantByEmail(deps.store.db, m.email);
    if (merchant) report.unchanged++;
    else {
      const password = m.password ?? `fixture-${deps.ids.next('merchant')}`;
      await registerMerchant(deps, { email: m.email, password, companyName: m.company }, { verified: m.verified });
      merchant = await findMerchantByEmail(deps.store.db, m.email);
      report.merchants++;
    }
    if (!merchant) throw new TollgateError('internal', 'merchant vanished after insert');
    const existing = await listIntegrations(deps.store.db, merchant.id);
    for (const i of m.integrations) {
      let integration = existing.find((e) => e.name === i.name);
      if (integration) report.unchanged++;
      else {
        await createIntegration(
          deps,
          merchant.id,
          { name: i.name, notificationUrl: i.notificationUrl ?? null, notificationEmail: i.notificationEmail ?? null, enabledMethods: i.enabledMethods, paynowZwCurrency: i.paynowZwCurrency },
          system,
          { ...(i.paynowZw && { number: i.paynowZw.integrationId }), credentials: chosenCredentials(i) },
        );
        integration = (await listIntegrations(deps.store.db, merchant.id)).find((e) => e.name === i.name);
        report.integrations++;
      }
      if (!integration) throw new TollgateError('internal', 'integration vanished after insert');
      for (const c of i.customers) {
        if (await findFictitiousCustomer(deps.store.db, integration.id, c.email)) {
          report.unchanged++;
          continue;
        }
        await createFictitiousCustomer(deps, merchant.id, integration.id, { name: c.name, email: c.email, phone: c.phone, balanceMinor: c.balance, currency: c.currency });
        report.customers++;
      }
      for (const p of i.payments) {
        if (await findPaymentByPublicId(deps.store.db, p.publicId)) {
          report.unchanged++;
          continue;
        }
        if (integration.mode === 'live') throw liveRefusal(integration.id);
        const created = await createPayment(deps, {
          integration,
          mode: 'test',
          dialect: p.dialect,
          amountMinor: p.amount,
          currency: p.currency,
          reference: p.reference ?? null,
          description: p.description ?? null,
          customer: p.customer ?? {},
          returnUrl: p.returnUrl ?? null,
          notifyUrl: p.notifyUrl ?? null,
          validForMs: 365 * 24 * 60 * 60_000,
          publicId: p.publicId,
          displayRef: p.displayRef ?? null,
          testCheckout: 'open',
          wireData: p.wireData ?? {},
        });
        for (const [n, to] of PATH[p.state].entries()) {
          await transitionPayment(deps, created.payment!.id, {
            to,
            reason: 'sandbox fixture',
            ...(n === 0 && p.method && { method: p.method }),
            ...(to === 'paid' && p.customer && { payer: { name: p.customer.name ?? '', email: p.customer.email ?? '', phone: p.customer.phone ?? '' } }),
          });
        }
        report.payments++;
      }
    }
  }
  return report;
}
