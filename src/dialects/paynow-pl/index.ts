import type { Dialect } from '../dialect.js';
import { plFormatter } from './notify.js';
import { paynowPlPlugin, plRefuse } from './plugin.js';

/** Paynow.pl (mBank) API v3, and v1/v2 for deployed plugins: Api-Key + Signature-Key, HMAC-SHA256. */
export const paynowPl: Dialect = { name: 'paynow_pl', plugin: paynowPlPlugin, formatter: plFormatter, prefixes: ['/v1/', '/v2/', '/v3/'], refuse: plRefuse };
