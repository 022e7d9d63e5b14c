import ipaddr from 'ipaddr.js';

/** True when the text is an IPv4/IPv6 address or CIDR range. */
export function isIpOrCidr(entry: string): boolean {
  try {
    if (entry.includes('/')) ipaddr.parseCIDR(entry);
    else ipaddr.parse(entry);
    return true;
  } catch {
    return false;
  }
}

function normalize(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}

/** Is `ip` inside any entry of the allow-list? An unparsable caller address is never allowed. */
export function ipAllowed(ip: string | null | undefined, allowList: string[]): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const addr = normalize(ipaddr.parse(ip));
  for (const entry of allowList) {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        const r = normalize(range);
        if (r.kind() === addr.kind() && addr.match(r, r.kind() !== range.kind() ? bits - 96 : bits)) return true;
      } else {
        const e = normalize(ipaddr.parse(entry));
        if (e.kind() === addr.kind() && e.toNormalizedString() === addr.toNormalizedString()) return true;
      }
    } catch {
      // entries are validated on write; a bad one simply matches nothing
    }
  }
  return false;
}
