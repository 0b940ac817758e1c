import type { IntegrationId } from '../../core/ids.js';
import { findFictitiousCustomer, type FictitiousCustomer } from '../../store/repos/sandbox.js';
import type { ServiceDeps } from '../deps.js';
import type { InTx } from '../in-tx.js';
import { enqueueMail } from '../mail/outbox.js';

export function findCustomer(deps: ServiceDeps, integrationId: IntegrationId, alias: string): Promise<FictitiousCustomer | undefined> {
  return findFictitiousCustomer(deps.store.db, integrationId, alias);
}

/**
 * The one-time code of an on-site payment reaches the fictitious customer as a mail in the outbox
 * (`tollgate mail list --to …`): in test mode no SMS goes out. It is queued in the transaction that
 * creates the payment, so there is never a payment without its code or a code without its payment.
 */
export function mailOneTimeCode(deps: ServiceDeps, customer: FictitiousCustomer, code: string, invoiceToken: string): InTx<unknown> {
  return async (tx) => {
    await enqueueMail(tx, deps, { to: customer.email, kind: 'one_time_code', subject: `Your payment code: ${code}`, body: `Hello ${customer.name},\n\nYour confirmation code for invoice ${invoiceToken} is ${code}.\n` }, deps.clock.now());
  };
}
