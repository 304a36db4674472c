import { judgeAddress } from './address-policy';

describe('judgeAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.10', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fd00:ec2::254', 'metadata'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (IPv4 in IPv6)'],
    ['::ffff:7f00:1', 'loopback (IPv4 in IPv6)'],
    ['::ffff:a9fe:a9fe', 'metadata (IPv4 in IPv6)'],
    ['::ffff:10.0.0.1', 'private (IPv4 in IPv6)'],
    ['::127.0.0.1', 'loopback (IPv4 in IPv6)'],
    ['64:ff9b::192.168.0.1', 'private (IPv4 in IPv6)'],
    ['2002:c0a8:0101::1', 'private (6to4)'],
    ['2001:0:4136:e378::1', 'teredo'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(judgeAddress(address)).toEqual({ allowed: false, reason });
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2002:0808:0808::1'])(
    'allows the public address %s',
    (address) => {
      expect(judgeAddress(address)).toEqual({ allowed: true });
    },
  );

  it('admits exactly 127.0.0.1 when tests allow loopback, nothing else inside', () => {
    expect(judgeAddress('127.0.0.1', { allowTestLoopback: true })).toEqual({ allowed: true });
    expect(judgeAddress('127.0.0.2', { allowTestLoopback: true }).allowed).toBe(false);
    expect(judgeAddress('::1', { allowTestLoopback: true }).allowed).toBe(false);
    expect(judgeAddress('::ffff:127.0.0.1', { allowTestLoopback: true }).allowed).toBe(false);
    expect(judgeAddress('10.0.0.1', { allowTestLoopback: true }).allowed).toBe(false);
  });

  it('refuses what is not an address', () => {
    expect(judgeAddress('example.com').allowed).toBe(false);
  });
});
