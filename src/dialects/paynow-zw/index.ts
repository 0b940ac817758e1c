import type { Dialect } from '../dialect.js';
import { zwFormatter } from './notify.js';
import { paynowZwPlugin, zwRefuse } from './plugin.js';

/** Paynow Zimbabwe (paynow.co.zw): integration ID + key, SHA-512 hashed form posts. */
export const paynowZw: Dialect = { name: 'paynow_zw', plugin: paynowZwPlugin, formatter: zwFormatter, prefixes: ['/interface/'], refuse: zwRefuse };
