import { findFictitiousCustomer } from '../../../store/repos/sandbox.js';
import type { Db } from '../../../store/schema.js';
import { type Rail, refuse } from './rail.js';

/** Seed 001: a pay-by-link payment of exactly 9999.99 PLN fails with a message on the paywall, with every bank but mTransfer. */
export const FAILING_PBL = { minor: 999_999, currency: 'PLN', exceptBank: 'mTransfer' } as const;

export const payByLinkRail: Rail = {
  test({ payment, input }) {
    if (payment.amountMinor === FAILING_PBL.minor && payment.currency === FAILING_PBL.currency && input.bank !== FAILING_PBL.exceptBank) {
      return { kind: 'accepted', now: 'failed', failureCode: 'rejected', failureMessage: 'The bank rejected the payment (test mode: 9999.99 PLN always fails)', timers: [] };
    }
    return { kind: 'accepted', now: 'paid', timers: [] };
  },
};

/** The PayDunya wallet: a fictitious customer of the integration pays from their balance. */
export function walletRail(db: Db): Rail {
  return {
    async test({ payment, input }) {
      const alias = input.customerAlias?.trim() ?? '';
      const customer = alias === '' ? undefined : await findFictitiousCustomer(db, payment.integrationId, alias);
      if (!customer) return refuse('unknown_customer', 'no fictitious customer of this application has that email or phone');
      if (customer.currency !== payment.currency) return refuse('insufficient_balance', `the customer's balance is in ${customer.currency}`);
      if (customer.balanceMinor < payment.amountMinor) return refuse('insufficient_balance', `insufficient balance: ${customer.name} cannot pay this amount`);
      return { kind: 'accepted', now: 'paid', timers: [], debitCustomerId: customer.id, payer: { name: customer.name, email: customer.email, phone: customer.phone } };
    },
  };
}
