/**
 * The ledger's own checks: `ledger verify` replays every entry against every balance and exits
 * non-zero on a mismatch; the migration moves the money of a database written before the ledger
 * (paid payments, escrow, refunds, payouts, customers' balances) and verify passes after it.
 */
import { fixtureId } from '../helpers/ids.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { runCli } from '../../src/cli/program.js';
import { integrationBalances } from '../../src/services/money/balances.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { findFictitiousCustomerById } from '../../src/store/repos/sandbox.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

for (const kind of testDatabases()) {
  describe(`ledger verify and the migration on ${kind}`, () => {
    let store: Store;
    before(async () => {
      store = openStore(await freshDatabase(kind));
    });
    after(() => store.close());

    test('the money of a database from before the ledger moves into it; balances as the old sums; verify passes, then catches a tampered total', async () => {
      const to = await new Migrator({ db: store.db, provider: migrationProvider }).migrateTo('0006-request-log-batches');
      assert.equal(to.error, undefined);
      const db = store.db;
      await sql`insert into merchants (id, email, email_key, password_hash, company_name, company_email, created_at, updated_at) values ('mer_old', 'a@b.c', 'k', 'h', 'Old', 'a@b.c', 1, 1)`.execute(db);
      await sql`insert into integrations (id, merchant_id, number, name, enabled_methods, mode, golive_state, created_at, updated_at) values ('int_old', 'mer_old', 4242, 'Old shop', '[]', 'test', 'none', 1, 1)`.execute(db);
      const payment = (id: string, state: string, amount: number, paidAt: number | null, refunded = 0) =>
        sql`insert into payments (id, integration_id, merchant_id, mode, state, amount_minor, currency, version, created_at, updated_at, paid_at, refunded_minor) values (${id}, 'int_old', 'mer_old', 'test', ${state}, ${amount}, 'XOF', 2, 1, 1, ${paidAt}, ${refunded})`.execute(db);
      await payment('pay_a', 'paid', 10_000, 10);
      await payment('pay_b', 'partially_refunded', 5_000, 11, 2_000);
      await payment('pay_c', 'awaiting_delivery', 3_000, 12);
      await payment('pay_d', 'pending', 7_000, null);
      await sql`insert into refunds (id, payment_id, integration_id, merchant_id, amount_minor, currency, status, created_at, updated_at) values ('re_b', 'pay_b', 'int_old', 'mer_old', 2000, 'XOF', 'successful', 20, 20), ('re_x', 'pay_a', 'int_old', 'mer_old', 500, 'XOF', 'cancelled', 21, 21)`.execute(db);
      await sql`insert into payouts (id, integration_id, merchant_id, mode, currency, amount_minor, created_at) values ('po_a', 'int_old', 'mer_old', 'test', 'XOF', 4000, 30)`.execute(db);
      await sql`insert into fictitious_customers (id, integration_id, name, email, phone, balance_minor, currency, created_at) values ('cus_a', 'int_old', 'Awa', 'awa@x.sn', '770000000', 2500, 'XOF', 5)`.execute(db);

      await migrateToLatest(store);
      const deps = { store };
      // Received 18,000; refunded 2,000; paid out 4,000; 3,000 in escrow.
      assert.deepEqual(await integrationBalances(deps, fixtureId('integration', 'int_old')), [{ mode: 'test', currency: 'XOF', availableMinor: 9_000, pendingMinor: 3_000, inTransitMinor: 0, feesMinor: 0 }]);
      assert.equal((await findFictitiousCustomerById(db, fixtureId('integration', 'int_old'), fixtureId('customer', 'cus_a')))?.balanceMinor, 2_500, "the customer's balance is their wallet now");
      const report = await verifyLedger(deps);
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(report.accountsChecked, 5, 'available, pending, in transit, world, wallet');

      await sql`update ledger_accounts set balance_minor = balance_minor + 1 where kind = 'available'`.execute(db);
      const bad = await verifyLedger(deps);
      assert.equal(bad.ok, false);
      assert.deepEqual(bad.mismatches, [{ accountId: 'acc:int_old:test:XOF:available', balanceMinor: 9_001, replayedMinor: 9_000 }]);
      await sql`update ledger_accounts set balance_minor = balance_minor - 1 where kind = 'available'`.execute(db);
    });

    test('the database refuses a negative balance on a guarded account, whatever the code does', async () => {
      await assert.rejects(sql`update ledger_accounts set balance_minor = -1 where kind = 'available'`.execute(store.db), /check|constraint/i);
    });
  });
}

describe('tollgate ledger verify', () => {
  test('prints accounts checked and mismatches as JSON; exits 1 on a mismatch', async () => {
    const { dataDir } = await freshDatabase('sqlite');
    const env: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOLLGATE_') && k !== 'DATABASE_URL') env[k] = v;
    const cli = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli([...args, '--data-dir', dataDir], { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const ok = await cli(['ledger', 'verify', '--json']);
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(JSON.parse(ok.out), { accountsChecked: 0, mismatches: [], unbalancedTransactions: [], unbalancedCurrencies: [], ok: true });
    const store = openStore({ dataDir });
    try {
      await sql`insert into ledger_accounts (id, integration_id, mode, currency, kind, customer_id, balance_minor, may_go_negative, created_at) values ('acc:int_x:test:USD:available', 'int_x', 'test', 'USD', 'available', null, 5, 0, 1)`.execute(store.db);
    } finally {
      await store.close();
    }
    const bad = await cli(['ledger', 'verify']);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /^1 accounts checked, 1 mismatches$/m);
    assert.match(bad.out, /mismatch acc:int_x:test:USD:available: balance 5, entries 0/);
  });
});
