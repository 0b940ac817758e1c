import type { CredentialSet } from '../../core/credentials.js';
import { listIntegrations } from '../../store/repos/integrations.js';
import { listMerchants } from '../../store/repos/merchants.js';
import { listPayments } from '../../store/repos/payments.js';
import { listFictitiousCustomers } from '../../store/repos/sandbox.js';
import type { ServiceDeps } from '../deps.js';
import { revealCredentials } from '../merchants/integrations.js';
import type { Fixture } from './fixtures.js';

/** More payments than any sandbox holds per integration: export takes them all. */
const ALL = 1_000_000;

/** The fields that hold a value: a fixture leaves absent what the database keeps as null. */
const present = <T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], null> } =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };

function credentialsOf(c: CredentialSet) {
  return {
    paynowZw: { integrationId: c.paynowZw.integrationId, integrationKey: c.paynowZw.integrationKey },
    paynowPl: { sandbox: c.paynowPl.sandbox, production: c.paynowPl.production },
    paydunya: { masterKey: c.paydunya.masterKey, test: c.paydunya.test, live: c.paydunya.live },
  };
}

/**
 * The sandbox as a fixture `tollgate sandbox load` accepts: every merchant, its test-mode integrations
 * with their credentials, fictitious customers and test payments in their states. Passwords are not
 * exported (only their hashes exist); a payment made through Tollgate's own API, which has no wire id,
 * keeps its id as its public id.
 */
export async function exportFixture(deps: ServiceDeps): Promise<Fixture> {
  const merchants: Fixture['merchants'] = [];
  for (const m of await listMerchants(deps.store.db)) {
    const integrations: NonNullable<Fixture['merchants'][number]['integrations']> = [];
    for (const i of await listIntegrations(deps.store.db, m.id)) {
      if (i.mode !== 'test') continue;
      const customers = (await listFictitiousCustomers(deps.store.db, i.id)).map((c) => ({ name: c.name, email: c.email, phone: c.phone, balance: c.balanceMinor, currency: c.currency as never }));
      const payments = (await listPayments(deps.store.db, m.id, i.id, ALL))
        .filter((p) => p.mode === 'test')
        .reverse()
        .map((p) => ({
          dialect: p.dialect as never,
          publicId: p.publicId ?? p.id,
          ...present({ displayRef: p.displayRef, reference: p.reference, description: p.description, method: p.method as never, returnUrl: p.returnUrl, notifyUrl: p.notifyUrl }),
          amount: p.amountMinor,
          currency: p.currency,
          state: p.state,
          ...(Object.values(p.customer).some((v) => v !== null) && { customer: present(p.customer) }),
          ...(Object.keys(p.wireData).length > 0 && { wireData: p.wireData }),
        }));
      integrations.push({
        name: i.name,
        ...present({ notificationUrl: i.notificationUrl, notificationEmail: i.notificationEmail }),
        enabledMethods: i.enabledMethods as never,
        paynowZwCurrency: i.zwCurrency as 'USD' | 'ZWG',
        ...credentialsOf(await revealCredentials(deps, m.id, i.id)),
        customers,
        payments,
      });
    }
    merchants.push({ email: m.email, company: m.companyName, verified: m.emailVerifiedAt !== null, integrations });
  }
  return { merchants };
}
