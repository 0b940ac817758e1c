import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Addresses a merchant-supplied URL must not reach unless the operator allows private callbacks:
 * every special range ipaddr.js names (loopback, private, link-local with cloud metadata at
 * 169.254.169.254 and fd00:ec2::254, CGNAT, unique- and site-local, unspecified, multicast, Teredo,
 * local-use NAT64, reserved), and any IPv6 form that carries such an IPv4. Checked when the connection
 * opens, after DNS, so a name that later resolves elsewhere (DNS rebinding) is caught too.
 */
const PUBLIC_V4 = new Set(['unicast', 'as112', 'amt']);

function isPrivateV4(a: ipaddr.IPv4): boolean {
  return !PUBLIC_V4.has(a.range());
}

/** The IPv4 in the 32 bits of `a` starting at 16-bit part `from`. */
function v4At(a: ipaddr.IPv6, from: number): ipaddr.IPv4 {
  const hi = a.parts[from] as number;
  const lo = a.parts[from + 1] as number;
  return new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
}

const WELL_KNOWN_NAT64 = ipaddr.IPv6.parse('64:ff9b::');

function isPrivateV6(a: ipaddr.IPv6): boolean {
  const range = a.range();
  // IPv4-compatible ::a.b.c.d (deprecated, ::/96 beside :: and ::1) has no name in ipaddr.js.
  if (range === 'unicast' && a.parts.slice(0, 6).every((p) => p === 0)) return isPrivateV4(v4At(a, 6));
  switch (range) {
    case 'unicast':
      return false;
    case 'ipv4Mapped':
    case 'rfc6145':
      return isPrivateV4(v4At(a, 6));
    case 'rfc6052':
      // The well-known prefix carries a public IPv4 through a public translator; the local-use one is the operator's network.
      return a.match(WELL_KNOWN_NAT64, 96) ? isPrivateV4(v4At(a, 6)) : true;
    case '6to4':
      return isPrivateV4(v4At(a, 1));
    default:
      return true;
  }
}

export function isPrivateAddress(address: string): boolean {
  // isIP first: ipaddr.js also reads shorthand such as 127.1, which no resolver answers.
  const family = isIP(address);
  if (family === 0) return true;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return true;
  }
  return parsed.kind() === 'ipv4' ? isPrivateV4(parsed as ipaddr.IPv4) : isPrivateV6(parsed as ipaddr.IPv6);
}

export class BlockedDestinationError extends Error {
  override name = 'BlockedDestinationError';
  readonly code = 'EBLOCKED';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** How names become addresses: dns.lookup, or a fixed answer in tests. */
export type Resolver = (hostname: string, options: { all: true; family?: number }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** A dns.lookup replacement for net.connect that refuses private destinations. */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = dnsLookup) {
  return (hostname: string, options: { all?: boolean; family?: number } | number, callback: LookupCallback): void => {
    const opts = typeof options === 'number' ? { family: options } : options;
    resolve(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (!allowPrivate && bad) {
        return callback(new BlockedDestinationError(`destination ${hostname} resolves to ${bad.address}, a private address; private callbacks are not allowed`), []);
      }
      if (opts.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Literal IP hosts skip DNS, so they are checked here before connecting. */
export function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
    throw new BlockedDestinationError(`destination ${host} is a private address; private callbacks are not allowed`);
  }
}
