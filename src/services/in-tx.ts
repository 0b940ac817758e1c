import type { Tx } from '../store/schema.js';

/**
 * Work a caller hands to a service to run inside the service's own transaction, given what the service
 * wrote there (the new payment, the moved payment, the new refund); what it returns comes back through
 * the service. It is part of a `RerunnableUnit`, so it may run more than once: database work through
 * `tx` only, nothing kept in outer variables, no mail sent or request made (queue them in `tx`).
 */
export type InTx<In = void, Out = void> = (tx: Tx, value: In) => Promise<Out>;
