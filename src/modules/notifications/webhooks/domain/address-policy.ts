import { isIP } from 'node:net';

/*
 * Which addresses a webhook may be sent to: public unicast only. Refused are loopback,
 * private (RFC 1918), shared/CGNAT (RFC 6598), unique-local (fc00::/7), link-local (which
 * holds the cloud metadata service 169.254.169.254; AWS's IPv6 one, fd00:ec2::254, is
 * unique-local), unspecified, multicast, broadcast, reserved and documentation ranges, and
 * every IPv6 form that carries an IPv4 address (mapped, compatible, NAT64, 6to4) when that
 * address is refused; Teredo is refused outright (its embedded address is obfuscated).
 */

export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Exactly the loopback address tests may be allowed to use (NOTIFICATIONS_WEBHOOKS_ALLOW_LOOPBACK). */
export const TEST_LOOPBACK = '127.0.0.1';

const V4_REFUSED: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.169.254', 32, 'metadata'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_REFUSED: ReadonlyArray<readonly [string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fd00:ec2::254', 128, 'metadata'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'teredo'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function v4ToInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v6ToBigInt(address: string): bigint {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) becomes two hextets.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToInt(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = tail === undefined ? headParts : [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
  return parts.reduce((n, part) => (n << 16n) | BigInt(parseInt(part || '0', 16)), 0n);
}

const v4Ranges = V4_REFUSED.map(([base, bits, reason]) => ({ base: v4ToInt(base), mask: bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0, reason }));
const v6Ranges = V6_REFUSED.map(([base, bits, reason]) => ({ base: v6ToBigInt(base), mask: ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n), reason }));

function checkV4(address: string): AddressVerdict {
  const n = v4ToInt(address);
  if (n === 0xffffffff) return { allowed: false, reason: 'broadcast' };
  const hit = v4Ranges.find((r) => (n & r.mask) >>> 0 === (r.base & r.mask) >>> 0);
  return hit ? { allowed: false, reason: hit.reason } : { allowed: true };
}

const embeddedV4 = (n: bigint, shift: bigint) => {
  const v4 = Number((n >> shift) & 0xffffffffn);
  return [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255].join('.');
};

function checkV6(address: string): AddressVerdict {
  const n = v6ToBigInt(address);
  const top96 = n >> 32n;
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::a.b.c.d): judge the IPv4 address.
  if (top96 === 0xffffn || (top96 === 0n && n > 1n) || top96 === 0x0064ff9b0000000000000000n) {
    const inner = checkV4(embeddedV4(n, 0n));
    return inner.allowed ? inner : { allowed: false, reason: `${inner.reason} (IPv4 in IPv6)` };
  }
  // 6to4 (2002:a.b.c.d::/48): the IPv4 address follows the prefix.
  if (n >> 112n === 0x2002n) {
    const inner = checkV4(embeddedV4(n, 80n));
    if (!inner.allowed) return { allowed: false, reason: `${inner.reason} (6to4)` };
  }
  const hit = v6Ranges.find((r) => (n & r.mask) === (r.base & r.mask));
  return hit ? { allowed: false, reason: hit.reason } : { allowed: true };
}

/** Whether a resolved address may receive webhooks; `allowTestLoopback` admits exactly 127.0.0.1. */
export function judgeAddress(address: string, options: { readonly allowTestLoopback?: boolean } = {}): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return { allowed: false, reason: 'not an IP address' };
  if (options.allowTestLoopback && address === TEST_LOOPBACK) return { allowed: true };
  return family === 4 ? checkV4(address) : checkV6(address);
}
