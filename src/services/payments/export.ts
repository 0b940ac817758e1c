import type { MerchantId } from '../../core/ids.js';
import { csvLine } from '../../core/csv.js';
import type { PaymentFilter } from '../../store/repos/lists.js';
import type { ServiceDeps } from '../deps.js';
import { eachMerchantPayment } from './queries.js';

const COLUMNS = ['id', 'integration_id', 'mode', 'dialect', 'state', 'currency', 'amount', 'fee', 'fee_paid_by', 'net', 'refunded', 'method', 'reference', 'description', 'customer_email', 'created_at', 'paid_at'];

/** The payments matching a filter as CSV lines (header first), newest first, amounts in minor units; produced a page at a time. */
export async function* paymentsCsv(deps: ServiceDeps, merchantId: MerchantId, filter: PaymentFilter): AsyncGenerator<string> {
  yield csvLine(COLUMNS);
  for await (const p of eachMerchantPayment(deps, merchantId, filter)) {
    yield csvLine([p.id, p.integrationId, p.mode, p.dialect, p.state, p.currency, p.amount, p.fee, p.feePaidBy, p.net, p.refunded, p.method, p.reference, p.description, p.customer.email, p.createdAt, p.paidAt]);
  }
}
