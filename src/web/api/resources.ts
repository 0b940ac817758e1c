import { z } from 'zod';
import { PAYMENT_STATES } from '../../core/payment-state.js';
import { MISTAKES } from '../../core/diagnosis.js';
import { currency, id, instant, instantOrNull, minor } from './shapes.js';

/**
 * The response shapes of the management API's resources, each a named component of the OpenAPI
 * document (and so a named type in the dashboard's generated client).
 */

const mode = z.enum(['test', 'live']).meta({ description: 'Test mode moves no money; live mode needs an approved go-live request' });

export const bankAccountView = z
  .object({ bankName: z.string(), accountName: z.string(), accountNumber: z.string(), branch: z.string().optional(), swift: z.string().optional() })
  .meta({ id: 'BankAccount', description: 'Where payouts go' });

export const merchant = z
  .object({
    id: id('mer', 'Merchant'),
    email: z.string().meta({ description: 'Login address', example: 'owner@shop.example' }),
    companyName: z.string().meta({ example: 'My Shop' }),
    companyEmail: z.string().meta({ description: 'Where keys and notifications are mailed' }),
    emailVerified: z.boolean(),
    bankAccount: bankAccountView.nullable(),
    disabled: z.boolean().meta({ description: 'A disabled merchant cannot log in or use the API' }).optional(),
    createdAt: instant('When the account was registered'),
  })
  .meta({ id: 'Merchant' });

export const operator = z.object({ id: id('opr', 'Operator'), email: z.string(), createdAt: instant('When the operator was created') }).meta({ id: 'Operator' });

export const integration = z
  .object({
    id: id('int', 'Integration'),
    name: z.string().meta({ example: 'Web shop' }),
    mode,
    absorbFees: z.boolean().meta({ description: 'Whether the merchant pays the fee (true) or the customer does' }),
    notificationEmail: z.string().nullable(),
    notificationUrl: z.string().nullable().meta({ description: "Where Tollgate's own webhook and the wires' notifications go, unless a payment names its own" }),
    note: z.string().nullable(),
    enabledMethods: z.array(z.string()).meta({ description: 'Payment methods offered at checkout', example: ['card', 'ecocash'] }),
    disabled: z.boolean(),
    goLive: z
      .object({
        state: z.string().meta({ description: 'none, requested, approved or rejected', example: 'requested' }),
        reason: z.string().nullable().meta({ description: 'The operator’s reason when rejected' }),
        requestedAt: instantOrNull('When the merchant asked to go live'),
        decidedAt: instantOrNull('When an operator decided'),
      })
      .meta({ description: 'The request to be set live' }),
    paynowZwIntegrationId: z.number().int().meta({ description: 'The Paynow Zimbabwe integration id (not a secret)', example: 12345 }),
    paynowZwCurrency: z.string().meta({ example: 'USD' }),
    createdAt: instant('When the integration was created'),
    updatedAt: instant('When it last changed'),
  })
  .meta({ id: 'Integration' });

const pair = z.object({ apiKey: z.string(), signatureKey: z.string() });
const paydunyaKeys = z.object({ privateKey: z.string(), publicKey: z.string(), token: z.string() });
export const credentials = z
  .object({
    paynowZw: z.object({ integrationId: z.number().int(), integrationKey: z.string() }),
    paynowPl: z.object({ sandbox: pair, production: pair }),
    paydunya: z.object({ masterKey: z.string(), test: paydunyaKeys, live: paydunyaKeys }),
    tollgate: z.object({ webhookSecret: z.string().nullable().meta({ description: 'Standard Webhooks signing secret (whsec_…)' }) }),
  })
  .meta({ id: 'Credentials', description: 'Every key of an integration, per dialect; shown only when the integration is created' });

export const apiToken = z
  .object({
    id: id('tok', 'API token'),
    name: z.string().meta({ example: 'CI' }),
    hint: z.string().meta({ description: 'The last characters of the token, to tell tokens apart', example: '…x7Qa' }),
    createdAt: instant('When the token was created'),
    lastUsedAt: instantOrNull('When it was last used'),
    revokedAt: instantOrNull('When it was revoked'),
  })
  .meta({ id: 'ApiToken' });

export const auditEntry = z
  .object({
    id: id('aud', 'Audit entry'),
    merchantId: z.string().nullable(),
    integrationId: z.string().nullable(),
    actorKind: z.string().meta({ description: 'merchant, operator or system', example: 'merchant' }),
    actorId: z.string().nullable(),
    action: z.string().meta({ example: 'integration.rotate_keys' }),
    detail: z.record(z.string(), z.unknown()).meta({ description: 'What changed (never a key)' }),
    createdAt: instant('When it happened'),
  })
  .meta({ id: 'AuditEntry' });

export const payment = z
  .object({
    id: id('pay', 'Payment'),
    integrationId: id('int', 'Integration'),
    mode,
    dialect: z.string().meta({ description: 'The wire it was created through: tollgate, paynow-zw, paynow-pl or paydunya', example: 'tollgate' }),
    state: z.enum(PAYMENT_STATES).meta({ description: 'Canonical state' }),
    version: z.number().int().meta({ description: 'Version of the last event; each change adds one', example: 3 }),
    amount: minor('What the customer is asked for (before a customer-paid fee)', 5900),
    currency,
    refunded: minor('Refunded or being refunded', 0),
    fee: minor("The gateway's fee", 150),
    feePaidBy: z.enum(['merchant', 'customer']),
    net: minor('What the merchant receives: the amount less a merchant-paid fee', 5750),
    reference: z.string().nullable().meta({ description: "The merchant's reference", example: 'order-1042' }),
    description: z.string().nullable(),
    items: z.array(z.object({ name: z.string(), quantity: z.number().int(), unitMinor: minor('Unit price') })),
    customer: z.object({ email: z.string().nullable(), phone: z.string().nullable(), name: z.string().nullable() }),
    method: z.string().nullable().meta({ description: 'Payment method chosen by the customer', example: 'ecocash' }),
    failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    returnUrl: z.string().nullable(),
    cancelUrl: z.string().nullable(),
    notifyUrl: z.string().nullable(),
    merchantTrace: z.string().nullable(),
    checkoutUrl: z.string().meta({ description: 'The hosted checkout page (carries its capability; give it only to the customer)' }),
    expiresAt: instantOrNull('When an unpaid payment expires'),
    paidAt: instantOrNull('When it was paid'),
    createdAt: instant('When it was created'),
    updatedAt: instant('When it last changed'),
  })
  .meta({ id: 'Payment' });

export const paymentEvent = z
  .object({
    version: z.number().int().meta({ description: 'The payment version this event made', example: 2 }),
    from: z.string().nullable().meta({ example: 'created' }),
    to: z.string().meta({ example: 'paid' }),
    reason: z.string().nullable(),
    at: instant('When the state changed'),
  })
  .meta({ id: 'PaymentEvent' });

export const refund = z
  .object({
    id: id('re', 'Refund'),
    paymentId: id('pay', 'Payment'),
    amount: minor('Refunded', 500),
    currency,
    status: z.string().meta({ description: 'new, pending, succeeded, failed or cancelled', example: 'succeeded' }),
    reason: z.string().nullable(),
    createdAt: instant('When it was asked for'),
    updatedAt: instant('When it last changed'),
  })
  .meta({ id: 'Refund' });

export const deliveryAttempt = z
  .object({
    attempt: z.number().int().meta({ example: 1 }),
    attemptedAt: instant('When it was sent'),
    url: z.string(),
    statusCode: z.number().int().nullable().meta({ description: 'The HTTP status the endpoint answered; null when it did not answer', example: 200 }),
    latencyMs: z.number().int().meta({ description: 'Milliseconds until the answer (or the failure)', example: 87 }),
    error: z.string().nullable().meta({ description: 'Why no answer came (timeout, refused connection, blocked address)' }),
    responseHead: z.string().nullable().meta({ description: 'The first KiB of the answer' }),
    fault: z.string().nullable().optional().meta({ description: 'The faults injected into this attempt (adversarial notifications), comma-separated; null when none' }),
  })
  .meta({ id: 'DeliveryAttempt' });

const deliveryForward = z
  .object({
    id: id('fwd', 'Forward'),
    forwardedAt: instant('When the listener reported it'),
    url: z.string().meta({ description: 'The local URL it was forwarded to' }),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
    responseHead: z.string().nullable().meta({ description: 'The first KiB of the local answer' }),
  })
  .meta({ id: 'DeliveryForward' });

export const delivery = z
  .object({
    id: id('dlv', 'Delivery'),
    paymentId: id('pay', 'Payment'),
    integrationId: id('int', 'Integration'),
    dialect: z.string(),
    eventVersion: z.number().int().meta({ description: 'The payment version it announces' }),
    url: z.string().meta({ description: 'The endpoint it goes to' }),
    headers: z.record(z.string(), z.string()).meta({ description: 'The request headers sent (signature headers are computed at each attempt)' }),
    body: z.string().meta({ description: 'The request body sent' }),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    createdAt: instant('When it was queued'),
    deliveredAt: instantOrNull('When an attempt succeeded'),
    nextAttemptAt: instantOrNull('When the next attempt is due'),
    attemptLog: z.array(deliveryAttempt).meta({ description: 'Every attempt, first first' }),
    forwards: z.array(deliveryForward).meta({ description: 'What `tollgate listen` did with it: each forward to a local URL and its answer' }),
  })
  .meta({ id: 'Delivery' });

const diagnosis = z
  .object({
    mistake: z.enum(MISTAKES).meta({ description: 'The most likely mistake; wrong-key when no other hypothesis reproduced the signature' }),
    explanation: z.string().meta({ description: 'What to change, in a sentence' }),
    confirmed: z.boolean().meta({ description: 'Whether a hypothesis reproduced the received signature exactly' }),
    oursHashed: z.string().meta({ description: 'The exact string we hashed, keys masked' }),
    theirsHashed: z.string().nullable().meta({ description: 'The string the client most likely hashed, keys masked' }),
    ourSignature: z.string(),
    theirSignature: z.string(),
    firstDifference: z.object({ offset: z.number().int(), ours: z.string().nullable(), theirs: z.string().nullable() }).nullable().meta({ description: 'The first differing byte: its offset and both bytes in hex' }),
    tried: z.array(z.enum(MISTAKES)),
    shownFrom: z.number().int().optional().meta({ description: 'When the strings were clipped: the byte offset they start at' }),
  })
  .meta({ id: 'SignatureDiagnosis' });

export const requestLogEntry = z
  .object({
    id: id('req', 'Request log entry'),
    dialect: z.string(),
    method: z.string(),
    path: z.string(),
    headers: z.record(z.string(), z.string()).meta({ description: 'Request headers, secrets masked' }),
    body: z.string(),
    responseStatus: z.number().int(),
    responseBody: z.string(),
    signature: z.string().nullable().meta({ description: 'The hash or signature we computed' }),
    diagnosis: diagnosis.nullable().meta({ description: 'For a failed hash, signature or key check: the most likely mistake' }),
    createdAt: instant('When it arrived'),
  })
  .meta({ id: 'RequestLogEntry' });

export const customer = z
  .object({
    id: id('cus', 'Fictitious customer'),
    integrationId: id('int', 'Integration'),
    name: z.string(),
    email: z.string(),
    phone: z.string(),
    balance: minor('Wallet balance', 10_000),
    currency,
    createdAt: instant('When the customer was created'),
  })
  .meta({ id: 'FictitiousCustomer' });
