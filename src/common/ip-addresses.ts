/**
 * IPv4 and IPv6 addresses and CIDR ranges, parsed into bytes so that every textual form of an
 * address compares equal. Used by the egress policy and by the configuration (FRAGMARK_EGRESS_ALLOW).
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export interface Cidr extends IpAddress {
  readonly prefix: number;
  /** Canonical text, e.g. "10.0.0.0/8". */
  readonly text: string;
}

function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // Canonical decimal only: URL hosts arrive normalised, resolver answers are canonical.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    bytes[i] = Number(p);
  }
  return bytes;
}

function parseIPv6(text: string): Uint8Array | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!isIPv6(s)) return null;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (!v4) return null;
    s = `${s.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 ? (halves[1] ? halves[1].split(':') : []) : null;
  const groups = rest === null ? head : [...head, ...new Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = Number.parseInt(g, 16);
    bytes[2 * i] = v >> 8;
    bytes[2 * i + 1] = v & 0xff;
  }
  return bytes;
}

/** An IPv4 or IPv6 address in canonical text (an IPv6 zone is ignored), or null. */
export function parseIp(text: string): IpAddress | null {
  const v4 = isIPv4(text) ? parseIPv4(text) : null;
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(text);
  return v6 ? { family: 6, bytes: v6 } : null;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return Array.from(ip.bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  // Longest run of zero groups (length >= 2) becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128). Host bits must be zero. */
export function parseCidr(text: string): Cidr | null {
  const t = text.trim();
  const slash = t.indexOf('/');
  const ip = parseIp(slash < 0 ? t : t.slice(0, slash));
  if (!ip || (slash < 0 ? false : !/^\d{1,3}$/.test(t.slice(slash + 1)))) return null;
  const max = ip.family === 4 ? 32 : 128;
  const prefix = slash < 0 ? max : Number(t.slice(slash + 1));
  if (prefix > max) return null;
  for (let bit = prefix; bit < max; bit++) {
    if (ip.bytes[bit >> 3]! & (0x80 >> (bit & 7))) return null;
  }
  return { ...ip, prefix, text: `${formatIp(ip)}/${prefix}` };
}

/**
 * A comma-separated allow-list. Throws an Error naming the first entry that is not a CIDR (with
 * zero host bits) or an address.
 */
export function parseAllowList(value: string): Cidr[] {
  const out: Cidr[] = [];
  for (const entry of value.split(',')) {
    if (entry.trim() === '') continue;
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`"${entry.trim()}" is not an IPv4 or IPv6 CIDR (such as 10.0.0.0/8 or fd00::/8) with zero host bits, nor an address`);
    out.push(cidr);
  }
  return out;
}

export function inCidr(ip: IpAddress, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  const full = cidr.prefix >> 3;
  for (let i = 0; i < full; i++) if (ip.bytes[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip.bytes[full]! & mask) === (cidr.bytes[full]! & mask);
}
