import type { Dialect } from '../dialect.js';
import { pdFormatter } from './notify.js';
import { paydunyaPlugin, pdRefuse } from './plugin.js';

/** PayDunya: master/private/public keys and token, checkout invoices, on-site payment, direct pay, disbursement, IPN. */
export const paydunya: Dialect = { name: 'paydunya', plugin: paydunyaPlugin, formatter: pdFormatter, prefixes: ['/sandbox-api/v1/', '/api/v1/', '/api/v2/disburse/'], refuse: pdRefuse };
