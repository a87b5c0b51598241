/**
 * The egress policy: which network addresses Fragmark's workers may send endpoint queries to.
 * An OPERATOR names the URL of an inference endpoint, and a worker then POSTs to it; without a
 * policy that is a server-side request forgery primitive (the worker's loopback, the cloud
 * metadata service at 169.254.169.254, the database, anything on the private network).
 *
 * By default every address that is not globally routable is refused:
 *
 * - IPv4: 0.0.0.0/8 (unspecified, "this network"), 10/8, 172.16/12, 192.168/16 (RFC 1918),
 *   100.64/10 (CGNAT), 127/8 (loopback), 169.254/16 (link-local, cloud metadata), 192.0.0/24
 *   (IETF protocol assignments), 198.18/15 (benchmarking), 224/4 (multicast), 240/4 (reserved),
 *   255.255.255.255 (broadcast).
 * - IPv6: :: (unspecified), ::1 (loopback), fe80::/10 (link-local), fec0::/10 (site-local),
 *   fc00::/7 (unique local), ff00::/8 (multicast), 100::/64 (discard), the rest of ::/8
 *   (IPv4-compatible and reserved), 64:ff9b:1::/48 (local NAT64); and the IPv6 forms that carry an
 *   IPv4 address are judged by that address: IPv4-mapped ::ffff:0:0/96, IPv4-translated
 *   ::ffff:0:0:0/96, NAT64 64:ff9b::/96 and 6to4 2002::/16.
 *
 * An allow-list (`FRAGMARK_EGRESS_ALLOW`, CIDRs or single addresses) lifts the refusal for the
 * networks a private deployment serves its models from (and for tests and the demo, which serve
 * on 127.0.0.1). An address in the allow-list is allowed whatever its class.
 *
 * Where the check happens:
 *
 * - Request time (API): an endpoint URL whose host is an IP literal (in any form the WHATWG URL
 *   parser accepts: `2130706433`, `0x7f.1`, `127.1`, `[::ffff:127.0.0.1]` all become a canonical
 *   address) or `localhost` is refused at once (`checkHost`).
 * - Connect time (worker): other host names are resolved once, by the policy's own `lookup`, which
 *   the HTTP agent uses to open the connection: the addresses the policy refuses are dropped, and
 *   the connection goes to an address that was checked. There is no second resolution a DNS
 *   rebinding attack could answer differently. A name that resolves to no allowed address fails
 *   with `EgressRefusedError` (the inference client reports ENDPOINT_FORBIDDEN, not retried).
 *
 * `transport` is the fetch-shaped HTTP client (node:http / node:https, no redirects, no proxy) that
 * the inference client uses by default.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import tls, { type TLSSocket } from 'node:tls';
import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { inCidr, parseCidr, parseIp, type Cidr, type IpAddress } from '../common/ip-addresses.ts';
import { Readable } from 'node:stream';

/** Refused by the policy: the connection was never opened. */
export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefusedError';
  }
}

export function isEgressRefused(e: unknown): e is EgressRefusedError {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur !== null && typeof cur === 'object'; depth++) {
    if (cur instanceof EgressRefusedError || (cur as { code?: unknown }).code === 'EGRESS_REFUSED') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** The message of the EgressRefusedError behind `e` (a transport wraps it in causes). */
export function egressRefusalMessage(e: unknown): string {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur !== null && typeof cur === 'object'; depth++) {
    if ((cur as { code?: unknown }).code === 'EGRESS_REFUSED') return (cur as Error).message;
    cur = (cur as { cause?: unknown }).cause;
  }
  return 'address refused';
}

/** The system error code (ECONNREFUSED, ENOTFOUND, ...) behind a failed request, if any. */
export function networkErrorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur !== null && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function cidr(text: string): Cidr {
  return parseCidr(text)!;
}

const V4_REFUSED: ReadonlyArray<[Cidr, string]> = [
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'shared (CGNAT)'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'reserved'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'reserved'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('240.0.0.0/4'), 'reserved'],
];

const V6_REFUSED: ReadonlyArray<[Cidr, string]> = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('64:ff9b:1::/48'), 'private'],
  [cidr('::/8'), 'reserved'],
  [cidr('100::/64'), 'reserved'],
  [cidr('fc00::/7'), 'private (unique local)'],
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'private (site-local)'],
  [cidr('ff00::/8'), 'multicast'],
];

/** IPv6 forms that carry an IPv4 address: [prefix, offset of the IPv4 bytes]. */
const V6_EMBEDDING: ReadonlyArray<[Cidr, number]> = [
  [cidr('::ffff:0:0/96'), 12],
  [cidr('::ffff:0:0:0/96'), 12],
  [cidr('64:ff9b::/96'), 12],
  [cidr('2002::/16'), 2],
];

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4), if any. */
export function embeddedIPv4(ip: IpAddress): IpAddress | null {
  if (ip.family !== 6) return null;
  for (const [prefix, offset] of V6_EMBEDDING) {
    if (inCidr(ip, prefix)) return { family: 4, bytes: ip.bytes.slice(offset, offset + 4) };
  }
  return null;
}

/** Why the default policy refuses this address ("loopback", "private", ...), or null (globally routable). */
export function refusedClass(ip: IpAddress): string | null {
  const v4 = ip.family === 4 ? ip : embeddedIPv4(ip);
  if (v4) {
    for (const [range, name] of V4_REFUSED) if (inCidr(v4, range)) return name;
    return null;
  }
  for (const [range, name] of V6_REFUSED) if (inCidr(ip, range)) return name;
  return null;
}

// ---------------------------------------------------------------------------------------------
// The policy

export type Resolver = (hostname: string, family: number) => Promise<LookupAddress[]>;

export interface EgressPolicyOptions {
  /** CIDRs (or addresses) allowed although their class is refused. */
  allow?: readonly string[];
  /** For tests: name resolution (default: the system resolver, dns.lookup, all addresses). */
  resolve?: Resolver;
  /**
   * PEM certificates trusted for https endpoints in addition to the system's roots (a private
   * CA: FRAGMARK_ENDPOINT_CA_FILE).
   */
  extraCaCertificates?: string;
}

/** Result of checking one address: null when allowed, else the reason it is refused. */
export type AddressVerdict = string | null;

const systemResolve: Resolver = (hostname, family) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, family, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

export type Transport = (url: string, init: RequestInit) => Promise<Response>;

/** The server certificate (SHA-256 hex of its DER) each https answer of `transport` came with. */
const peerCertificates = new WeakMap<Response, string>();

/** SHA-256 (hex) of the DER of the certificate the server presented for this answer; null over http. */
export function peerCertificateOf(response: Response): string | null {
  return peerCertificates.get(response) ?? null;
}

export class EgressPolicy {
  readonly allow: readonly Cidr[];
  private readonly resolve: Resolver;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(options: EgressPolicyOptions = {}) {
    this.allow = (options.allow ?? []).map((entry) => {
      const parsed = parseCidr(entry);
      if (!parsed) throw new Error(`egress allow-list entry "${entry}" is not a CIDR`);
      return parsed;
    });
    this.resolve = options.resolve ?? systemResolve;
    // Keep-alive pools: every pooled socket was opened through `lookup`, to a checked address.
    this.httpAgent = new http.Agent({ keepAlive: true, lookup: this.lookup });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      lookup: this.lookup,
      ...(options.extraCaCertificates ? { ca: [...tls.rootCertificates, options.extraCaCertificates] } : {}),
    });
  }

  /** Null when the policy allows connecting to `address` (text), else why not. */
  checkAddress(address: string): AddressVerdict {
    const ip = parseIp(address);
    if (!ip) return 'not an IP address';
    const v4 = embeddedIPv4(ip);
    if (this.allow.some((c) => inCidr(ip, c) || (v4 !== null && inCidr(v4, c)))) return null;
    return refusedClass(ip);
  }

  /**
   * A URL host (`URL.hostname`: IPv6 in brackets): the verdict for an IP literal or a `localhost`
   * name, or undefined for a name that is only checked once resolved, at connect time.
   */
  checkHost(hostname: string): AddressVerdict | undefined {
    const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
    if (parseIp(host)) return this.checkAddress(host);
    const name = host.toLowerCase().replace(/\.$/, '');
    if (name === 'localhost' || name.endsWith('.localhost')) {
      // RFC 6761: always the loopback interface.
      const v4 = this.checkAddress('127.0.0.1');
      return v4 === null ? null : this.checkAddress('::1');
    }
    return undefined;
  }

  /** A `net` lookup: resolves once, keeps the addresses the policy allows, refuses when none is left. */
  readonly lookup: LookupFunction = (hostname: string, options: LookupOptions, callback) => {
    const family = typeof options === 'number' ? options : typeof options?.family === 'number' ? options.family : 0;
    const all = typeof options === 'object' && options?.all === true;
    this.resolve(hostname, family).then(
      (addresses) => {
        const allowed = addresses.filter((a) => this.checkAddress(a.address) === null);
        if (allowed.length === 0) {
          const error = new EgressRefusedError(
            addresses.length === 0 ? `${hostname} resolves to no address` : `${hostname} resolves to no address the egress policy allows (FRAGMARK_EGRESS_ALLOW)`,
          );
          callback(error as NodeJS.ErrnoException, all ? [] : '', all ? undefined : 0);
          return;
        }
        if (all) callback(null, allowed);
        else callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, all ? [] : '', all ? undefined : 0),
    );
  };

  /**
   * The HTTP client of endpoint queries: fetch-shaped, over node:http(s) with the checking
   * `lookup`. IP literals are checked here (net skips the lookup for them). Redirects are never
   * followed and no proxy is used.
   */
  readonly transport: Transport = (url, init) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const literal = this.checkHost(u.hostname);
    if (literal !== undefined && literal !== null) {
      return Promise.reject(new EgressRefusedError(`${u.hostname} (${literal} address) is refused by the egress policy (FRAGMARK_EGRESS_ALLOW)`));
    }
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:') return Promise.reject(new Error(`unsupported protocol ${u.protocol}`));
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    const body = typeof init.body === 'string' ? init.body : '';
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined), 'content-length': String(Buffer.byteLength(body)) };
    const method = init.method ?? 'GET';
    return new Promise<Response>((resolve, reject) => {
      const options: https.RequestOptions = {
        host,
        port: u.port === '' ? (secure ? 443 : 80) : Number(u.port),
        path: `${u.pathname}${u.search}`,
        method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
        lookup: this.lookup,
        ...(init.signal ? { signal: init.signal } : {}),
        ...(secure && parseIp(host) === null ? { servername: host } : {}),
      };
      const req = (secure ? https : http).request(options);
      req.on('error', reject);
      req.once('response', (res) => {
        res.on('error', () => {});
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 599) {
          res.destroy();
          reject(new Error(`invalid HTTP status ${status}`));
          return;
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
          else if (value !== undefined) responseHeaders.set(name, value);
        }
        const certificate = secure ? (res.socket as TLSSocket).getPeerCertificate?.()?.raw : undefined;
        const nullBody = status === 204 || status === 205 || status === 304 || method === 'HEAD';
        if (nullBody) res.resume();
        const stream = nullBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
        const response = new Response(stream, { status, headers: responseHeaders });
        if (certificate) peerCertificates.set(response, createHash('sha256').update(certificate).digest('hex'));
        resolve(response);
      });
      req.end(body);
    });
  };
}

/** The policy with no allow-list: what every caller gets unless configured otherwise. */
export const DEFAULT_EGRESS_POLICY = new EgressPolicy();

/** The policy of a process, from its configuration (`FRAGMARK_EGRESS_ALLOW`). */
export function egressPolicyFrom(config: { egress: { allow: readonly string[]; extraCaCertificates?: string | null } }): EgressPolicy {
  const { allow, extraCaCertificates } = config.egress;
  return allow.length === 0 && !extraCaCertificates ? DEFAULT_EGRESS_POLICY : new EgressPolicy({ allow, ...(extraCaCertificates ? { extraCaCertificates } : {}) });
}
