import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const isMapped = (addr: Address): addr is ipaddr.IPv6 =>
  addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress();

/**
 * An IPv4-mapped IPv6 range (::ffff:a.b.c.d/n) stands for the IPv4 range a.b.c.d/(n-96). A prefix
 * shorter than /96 would reach past the mapped range into plain IPv6, so it is not accepted.
 */
function parseEntry(entry: string): { range: Address; bits: number } | null {
  if (!entry.includes('/')) {
    const addr = ipaddr.parse(entry);
    return isMapped(addr)
      ? { range: addr.toIPv4Address(), bits: 32 }
      : { range: addr, bits: addr.kind() === 'ipv4' ? 32 : 128 };
  }
  const [range, bits] = ipaddr.parseCIDR(entry);
  if (!isMapped(range)) return { range, bits };
  if (bits < 96) return null;
  return { range: range.toIPv4Address(), bits: bits - 96 };
}

/** True when the text is an IPv4/IPv6 address or CIDR range the allow-list can hold. */
export function isIpOrCidr(entry: string): boolean {
  try {
    return parseEntry(entry) !== null;
  } catch {
    return false;
  }
}

/** Is `ip` inside any entry of the allow-list? An unparsable caller address is never allowed. */
export function ipAllowed(ip: string | null | undefined, allowList: string[]): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const parsed = ipaddr.parse(ip);
  const addr = isMapped(parsed) ? parsed.toIPv4Address() : parsed;
  for (const entry of allowList) {
    try {
      const e = parseEntry(entry);
      if (e && e.range.kind() === addr.kind() && addr.match(e.range, e.bits)) return true;
    } catch {
      // entries are validated on write; a bad one simply matches nothing
    }
  }
  return false;
}
