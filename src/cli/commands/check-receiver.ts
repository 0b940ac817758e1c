import { randomBytes, randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import { pdReceiverWire } from '../../dialects/paydunya/receiver-wire.js';
import { plReceiverWire } from '../../dialects/paynow-pl/receiver-wire.js';
import { zwReceiverWire } from '../../dialects/paynow-zw/receiver-wire.js';
import { checkReceiver, type ReceiverWire } from '../../services/receiver-check/battery.js';
import { nativeReceiverWire } from '../../services/receiver-check/native.js';
import { type CliIo, globalOptions, print } from '../context.js';

const DIALECTS = ['paynow-zw', 'paynow-pl', 'paydunya', 'native'] as const;
type DialectOption = (typeof DIALECTS)[number];

/** A key of the wire's own format, for a run without --key (the receiver must then be given it). */
function newKey(dialect: DialectOption): string {
  if (dialect === 'paynow-zw' || dialect === 'paynow-pl') return randomUUID();
  if (dialect === 'native') return `whsec_${randomBytes(24).toString('base64')}`;
  return randomBytes(20).toString('hex');
}

function wireFor(dialect: DialectOption, key: string): ReceiverWire {
  if (dialect === 'paynow-zw') return zwReceiverWire(key, 'http://127.0.0.1');
  if (dialect === 'paynow-pl') return plReceiverWire(key);
  if (dialect === 'paydunya') return pdReceiverWire(key);
  return nativeReceiverWire(key);
}

/** `tollgate check-receiver URL --dialect D`: needs no gateway, so a CI job can run it on its own. */
export function registerCheckReceiverCommand(program: Command, io: CliIo): void {
  program
    .command('check-receiver')
    .description("send a battery of notifications to your endpoint and report what it did right and wrong (exits 1 on any failure)")
    .argument('<url>', 'your notification endpoint')
    .requiredOption('--dialect <name>', `the wire: ${DIALECTS.join(', ')}`)
    .option('--key <key>', 'the key your receiver verifies with: Paynow Zimbabwe integration key, Paynow.pl Signature-Key, PayDunya master key, or whsec_ secret (default: a new one, printed)')
    .option('--max-latency <ms>', 'slowest acceptable answer in milliseconds', '5000')
    .action(async (url: string, o: { dialect: string; key?: string; maxLatency: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      if (!(DIALECTS as readonly string[]).includes(o.dialect)) throw new TollgateError('validation', `--dialect must be one of ${DIALECTS.join(', ')}`);
      const dialect = o.dialect as DialectOption;
      if (!/^https?:\/\//.test(url)) throw new TollgateError('validation', 'the URL must start with http:// or https://');
      const maxLatencyMs = Number(o.maxLatency);
      if (!Number.isInteger(maxLatencyMs) || maxLatencyMs < 1 || maxLatencyMs > 60_000) throw new TollgateError('validation', '--max-latency must be a whole number of milliseconds, 1 to 60000');
      const key = o.key ?? newKey(dialect);
      const checks = await checkReceiver({ url, wire: wireFor(dialect, key), maxLatencyMs, now: Date.now, runId: randomBytes(4).toString('hex') });
      const failed = checks.filter((c) => !c.ok).length;
      print(io, opts, { url, dialect, ...(o.key ? {} : { generatedKey: key }), passed: checks.length - failed, failed, checks }, () => [
        ...(o.key ? [] : [`signing with a new key (give your receiver this one, or pass --key): ${key}`]),
        ...checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.check.padEnd(15)} ${c.reason}`),
        `${checks.length - failed} passed, ${failed} failed`,
      ]);
      if (failed > 0) throw new Error(`${failed} of ${checks.length} receiver checks failed`);
    });
}
