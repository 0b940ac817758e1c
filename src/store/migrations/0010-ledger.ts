import { storedId } from '../../core/ids.js';
import { type Kysely, sql } from 'kysely';
import { accountId, type AccountKey, mayGoNegative } from '../../core/ledger.js';

/**
 * The double-entry ledger (accounts with running totals guarded by a CHECK, immutable transactions,
 * postings), fees on payments, statuses on payouts; and every existing movement of money moved into
 * it: paid payments, escrow, refunds, payouts (which disbursements and direct pays recorded), and the
 * fictitious customers' balances. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ledger_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('balance_minor', 'bigint', (c) => c.notNull())
    .addColumn('may_go_negative', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('ledger_accounts_no_overdraft', sql`balance_minor >= 0 or may_go_negative = 1`)
    .execute();
  await db.schema.createIndex('ledger_accounts_customer').on('ledger_accounts').column('customer_id').execute();
  await db.schema.createIndex('ledger_accounts_integration').on('ledger_accounts').columns(['integration_id', 'mode', 'currency']).execute();
  await db.schema
    .createTable('ledger_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_transactions_ref').on('ledger_transactions').columns(['ref_id', 'kind']).unique().execute();
  await db.schema
    .createTable('ledger_postings')
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_postings_pk', ['transaction_id', 'seq'])
    .execute();
  await db.schema.createIndex('ledger_postings_account').on('ledger_postings').columns(['account_id']).execute();
  await db.schema.createIndex('ledger_postings_integration').on('ledger_postings').columns(['integration_id', 'created_at']).execute();
  await db.schema.alterTable('payments').addColumn('fee_minor', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('payments').addColumn('fee_paid_by', 'text', (c) => c.notNull().defaultTo('merchant')).execute();
  await db.schema.alterTable('payouts').addColumn('status', 'text', (c) => c.notNull().defaultTo('paid')).execute();
  await db.schema.alterTable('payouts').addColumn('updated_at', 'bigint').execute();
  await moveExistingMoney(db);
}

interface Move {
  kind: string;
  ref: string;
  integrationId: string;
  mode: 'test' | 'live';
  currency: string;
  at: number;
  lines: [AccountKey, number][];
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
async function moveExistingMoney(db: Kysely<any>): Promise<void> {
  const moves: Move[] = [];
  const acc = (integrationId: string, mode: 'test' | 'live', currency: string, kind: AccountKey['kind'], customerId?: string): AccountKey => ({ integrationId: storedId('integration', integrationId), mode, currency, kind, ...(customerId && { customerId: storedId('customer', customerId) }) });
  for (const p of await db.selectFrom('payments').select(['id', 'integration_id', 'mode', 'currency', 'amount_minor', 'state', 'paid_at']).where('paid_at', 'is not', null).execute()) {
    const [i, m, c, amount, at] = [p.integration_id, p.mode, p.currency, Number(p.amount_minor), Number(p.paid_at)];
    moves.push({ kind: 'payment', ref: p.id, integrationId: i, mode: m, currency: c, at, lines: [[acc(i, m, c, 'world'), -amount], [acc(i, m, c, 'available'), amount]] });
    if (p.state === 'awaiting_delivery') moves.push({ kind: 'escrow_hold', ref: p.id, integrationId: i, mode: m, currency: c, at, lines: [[acc(i, m, c, 'available'), -amount], [acc(i, m, c, 'pending'), amount]] });
  }
  // A refund's amount was reserved (refunded_minor) from its creation; a cancelled one was released.
  for (const r of await db.selectFrom('refunds').innerJoin('payments', 'payments.id', 'refunds.payment_id').select(['refunds.id', 'refunds.integration_id', 'payments.mode', 'refunds.currency', 'refunds.amount_minor', 'refunds.created_at']).where('refunds.status', '!=', 'cancelled').execute()) {
    const [i, m, c, amount] = [r.integration_id, r.mode, r.currency, Number(r.amount_minor)];
    moves.push({ kind: 'refund', ref: r.id, integrationId: i, mode: m, currency: c, at: Number(r.created_at), lines: [[acc(i, m, c, 'available'), -amount], [acc(i, m, c, 'world'), amount]] });
  }
  for (const o of await db.selectFrom('payouts').selectAll().execute()) {
    const [i, m, c, amount, at] = [o.integration_id, o.mode, o.currency, Number(o.amount_minor), Number(o.created_at)];
    moves.push({ kind: 'payout', ref: o.id, integrationId: i, mode: m, currency: c, at, lines: [[acc(i, m, c, 'available'), -amount], [acc(i, m, c, 'in_transit'), amount]] });
    moves.push({ kind: 'payout_paid', ref: o.id, integrationId: i, mode: m, currency: c, at, lines: [[acc(i, m, c, 'in_transit'), -amount], [acc(i, m, c, 'world'), amount]] });
  }
  // What a customer holds today (their opening balance, reloads, payments made and transfers received) opens their wallet.
  for (const f of await db.selectFrom('fictitious_customers').selectAll().execute()) {
    const [i, c, amount] = [f.integration_id, f.currency, Number(f.balance_minor)];
    if (amount !== 0) moves.push({ kind: 'wallet_topup', ref: f.id, integrationId: i, mode: 'test', currency: c, at: Number(f.created_at), lines: [[acc(i, 'test', c, 'world'), -amount], [acc(i, 'test', c, 'wallet', f.id), amount]] });
  }
  const accounts = new Map<string, { key: AccountKey; balance: number; at: number }>();
  const txRows: object[] = [];
  const postingRows: object[] = [];
  for (const [n, mv] of moves.entries()) {
    const id = `ltx_migrated${String(n).padStart(12, '0')}`;
    txRows.push({ id, integration_id: mv.integrationId, mode: mv.mode, currency: mv.currency, kind: mv.kind, ref_id: mv.ref, created_at: mv.at });
    for (const [seq, [key, amount]] of mv.lines.entries()) {
      const aid = accountId(key);
      const a = accounts.get(aid) ?? { key, balance: 0, at: mv.at };
      a.balance += amount;
      a.at = Math.min(a.at, mv.at);
      accounts.set(aid, a);
      postingRows.push({ transaction_id: id, seq, account_id: aid, integration_id: mv.integrationId, amount_minor: amount, created_at: mv.at });
    }
  }
  const accountRows = [...accounts].map(([id, a]) => ({
    id,
    integration_id: a.key.integrationId,
    mode: a.key.mode,
    currency: a.key.currency,
    kind: a.key.kind,
    customer_id: a.key.customerId ?? null,
    balance_minor: a.balance,
    // An overdraft the old read-then-write let through is carried over as it is, not hidden; new debits of it are still refused.
    may_go_negative: mayGoNegative(a.key.kind) || a.balance < 0 ? 1 : 0,
    created_at: a.at,
  }));
  for (const [table, rows] of [['ledger_accounts', accountRows], ['ledger_transactions', txRows], ['ledger_postings', postingRows]] as const) {
    for (let k = 0; k < rows.length; k += 500) await db.insertInto(table).values(rows.slice(k, k + 500)).execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payouts').dropColumn('updated_at').execute();
  await db.schema.alterTable('payouts').dropColumn('status').execute();
  await db.schema.alterTable('payments').dropColumn('fee_paid_by').execute();
  await db.schema.alterTable('payments').dropColumn('fee_minor').execute();
  await db.schema.dropTable('ledger_postings').execute();
  await db.schema.dropTable('ledger_transactions').execute();
  await db.schema.dropTable('ledger_accounts').execute();
}
