// @ts-check
'use strict';

const net = require('node:net');

/**
 * Where an HTTP tool may be called: HTTPS on a public address, named by a DNS name, with no
 * credential in the URL. Checked twice: on the configured URL when the route entry is read (a bad
 * entry fails closed), and on the final URL and every address its host resolves to when the
 * connection is made (DNS rebinding: a name that resolved to a public address a minute ago may
 * resolve to 169.254.169.254 now). OWASP SSRF Prevention Cheat Sheet:
 * https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html
 */

/** Query parameter names that carry credentials; a URL with one is refused (case-insensitive). */
const CREDENTIAL_QUERY_NAMES = Object.freeze([
  'api_key', 'apikey', 'key', 'token', 'access_token', 'secret', 'password', 'sig', 'signature',
  'x-amz-signature', 'x-amz-credential', 'x-amz-security-token',
]);

/**
 * Address ranges a tool call never connects to: [network, prefix length, family, what it is].
 * Every entry of the IANA special-purpose registries (RFC 6890 and its updates) that is not
 * globally reachable: https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry (the globally reachable anycast
 * entries, such as AS112 and AMT, are left: they are public). Beyond the list, an IPv6 address
 * outside the global unicast range 2000::/3 is refused (every other block is reserved or special:
 * https://www.iana.org/assignments/ipv6-address-space). The EC2 instance metadata service is
 * 169.254.169.254 and fd00:ec2::254
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html).
 * @type {ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6', string]>}
 */
const FORBIDDEN_RANGES = Object.freeze([
  ['0.0.0.0', 8, 'ipv4', 'unspecified (RFC 1122 "this network")'],
  ['10.0.0.0', 8, 'ipv4', 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space (RFC 6598)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (incl. the instance metadata service)'],
  ['172.16.0.0', 12, 'ipv4', 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0', 24, 'ipv4', 'documentation (RFC 5737)'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay anycast (RFC 7526, deprecated)'],
  ['192.168.0.0', 16, 'ipv4', 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking (RFC 2544)'],
  ['198.51.100.0', 24, 'ipv4', 'documentation (RFC 5737)'],
  ['203.0.113.0', 24, 'ipv4', 'documentation (RFC 5737)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved and broadcast'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['64:ff9b:1::', 48, 'ipv6', 'local-use IPv4/IPv6 translation (RFC 8215)'],
  ['100::', 64, 'ipv6', 'discard-only (RFC 6666)'],
  ['100:0:0:1::', 64, 'ipv6', 'dummy IPv6 prefix (RFC 9780)'],
  ['2001::', 23, 'ipv6', 'IETF protocol assignments (RFC 2928), incl. Teredo 2001::/32 (RFC 4380)'],
  ['2001:db8::', 32, 'ipv6', 'documentation (RFC 3849, RFC 9637)'],
  ['3fff::', 20, 'ipv6', 'documentation (RFC 3849, RFC 9637)'],
  ['5f00::', 16, 'ipv6', 'SRv6 SIDs (RFC 9602)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local (deprecated, RFC 3879)'],
  ['fc00::', 7, 'ipv6', 'unique local (RFC 4193, incl. the instance metadata service fd00:ec2::254)'],
  ['ff00::', 8, 'ipv6', 'multicast'],
]);

/** The IPv6 global unicast range (RFC 4291); everything outside it is reserved or special-purpose. */
const GLOBAL_UNICAST = new net.BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');
const NOT_GLOBAL_UNICAST = 'outside the global unicast range 2000::/3 (reserved by the IETF)';

/** @type {Array<{ list: net.BlockList, label: string }>} */
const BLOCKS = FORBIDDEN_RANGES.map(([network, prefix, family, label]) => {
  const list = new net.BlockList();
  list.addSubnet(network, prefix, family);
  return { list, label };
});

const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * What kind of forbidden address `address` is, or undefined for a public one. IPv6 forms that
 * embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64
 * `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::/48`) are judged by the IPv4 address they carry; a
 * mapped or NAT64 form of a public IPv4 address is public. Anything that is not an IP address is
 * refused too (a resolver answer must be an address).
 * @param {string} address
 * @returns {string | undefined}
 */
function forbiddenAddressKind(address) {
  const bare = String(address).replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return BLOCKS.find((b) => b.list.check(bare, 'ipv4'))?.label;
  if (family !== 6) return 'not an IP address';
  const embedded = embeddedIpv4(bare);
  if (embedded) {
    const kind = forbiddenAddressKind(embedded.ipv4);
    if (kind) return `${kind}, embedded in an IPv6 address`;
    // These two reach the IPv4 address itself (through the host's stack or a NAT64 gateway).
    if (embedded.form === 'mapped' || embedded.form === 'nat64') return undefined;
  }
  const listed = BLOCKS.find((b) => b.list.check(bare, 'ipv6'))?.label;
  if (listed) return listed;
  return GLOBAL_UNICAST.check(bare, 'ipv6') ? undefined : NOT_GLOBAL_UNICAST;
}

/**
 * The IPv4 address an IPv6 address carries, and in which form: in its last 32 bits when its first
 * 96 bits say so (mapped, compatible, NAT64 well-known prefix, RFC 6052), or in bits 16-47 of a
 * 6to4 address (2002::/16, RFC 3056). 64:ff9b:1::/48 (RFC 8215) may embed at several offsets; it is
 * refused whole as a range.
 * @param {string} ipv6
 * @returns {{ ipv4: string, form: 'mapped' | 'compatible' | 'nat64' | '6to4' } | undefined}
 */
function embeddedIpv4(ipv6) {
  const words = expandIpv6(ipv6);
  const head = words.slice(0, 6);
  /** @param {number} high @param {number} low */
  const dotted = (high, low) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  if (head.slice(0, 5).every((w) => w === 0) && head[5] === 0xffff) return { ipv4: dotted(words[6], words[7]), form: 'mapped' };
  if (head.every((w) => w === 0) && !(words[6] === 0 && words[7] <= 1)) return { ipv4: dotted(words[6], words[7]), form: 'compatible' };
  if (head[0] === 0x64 && head[1] === 0xff9b && head.slice(2).every((w) => w === 0)) return { ipv4: dotted(words[6], words[7]), form: 'nat64' };
  if (words[0] === 0x2002) return { ipv4: dotted(words[1], words[2]), form: '6to4' };
  return undefined;
}

/**
 * The eight 16-bit words of a valid IPv6 address (net.isIPv6 already said it is one).
 * @param {string} ipv6
 * @returns {number[]}
 */
function expandIpv6(ipv6) {
  let text = ipv6.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, undefined];
  const leftWords = left ? left.split(':') : [];
  const rightWords = right === undefined ? [] : right ? right.split(':') : [];
  const fill = right === undefined ? [] : new Array(8 - leftWords.length - rightWords.length).fill('0');
  return [...leftWords, ...fill, ...rightWords].map((w) => parseInt(w, 16));
}

/**
 * Static checks of a URL the gateway would call.
 * @param {string} text
 * @param {{ allowQuery?: boolean }} [options] a configured base URL has no query; a final URL may
 * @returns {{ ok: true, url: URL } | { ok: false, reason: string }} the reason never repeats user info or a query value
 */
function checkToolUrl(text, options = {}) {
  /** @type {URL} */
  let url;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'the tool URL is not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: `the tool URL uses ${url.protocol.replace(/:$/, '')}, not https` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'the tool URL carries user info (a credential in the URL)' };
  if (url.hash !== '' || text.includes('#')) return { ok: false, reason: 'the tool URL has a fragment' };
  if (!options.allowQuery && (url.search !== '' || text.includes('?'))) return { ok: false, reason: 'the tool URL has a query; configure the base URL only' };
  const credentialNames = [...new Set([...url.searchParams.keys()].filter((name) => CREDENTIAL_QUERY_NAMES.includes(name.toLowerCase())))];
  if (credentialNames.length > 0) return { ok: false, reason: `the tool URL has the credential-like query parameter ${credentialNames.join(', ')}` };
  const host = hostCheck(url.hostname);
  if (!host.ok) return host;
  return { ok: true, url };
}

/**
 * @param {string} hostname as the WHATWG URL parser normalized it (IPv4 shorthands such as
 *   `0x7f.1` or `2130706433` are already dotted quads, IPv6 literals are bracketed)
 * @returns {{ ok: true } | { ok: false, reason: string }}
 */
function hostCheck(hostname) {
  const host = hostname.replace(/\.$/, '');
  if (host.startsWith('[') || net.isIP(host) !== 0) {
    const bare = host.replace(/^\[|\]$/g, '');
    const kind = forbiddenAddressKind(bare);
    return { ok: false, reason: `the tool URL host ${hostname} is an IP literal${kind ? ` (${kind})` : ''}; name the tool by a DNS name` };
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return { ok: false, reason: `the tool URL host ${hostname} is a loopback name` };
  if (!DNS_NAME.test(host)) return { ok: false, reason: `the tool URL host ${hostname.slice(0, 100)} is not a DNS name` };
  return { ok: true };
}

/** Raised at connect time when a tool's host resolves to a forbidden address. */
class ForbiddenAddressError extends Error {
  /**
   * @param {string} hostname
   * @param {string} address
   * @param {string} kind
   */
  constructor(hostname, address, kind) {
    super(`${hostname} resolves to ${address}, a ${kind} address; tools are called only on public addresses`);
    this.name = 'ForbiddenAddressError';
    this.code = 'EGOVFORBIDDENADDRESS';
  }
}

/**
 * @typedef {(hostname: string, options: { all: true, family?: number, hints?: number },
 *   callback: (error: NodeJS.ErrnoException | null, addresses: Array<{ address: string, family: number }>) => void) => void} ResolveAll
 */

/**
 * A `lookup` for node:https (passed in the request options, used by net/tls when connecting) that
 * resolves with `resolve` and refuses the connection when any address of the answer is forbidden.
 * Node calls `lookup` with `{ all: true }` when it races address families (autoSelectFamily) and
 * without it otherwise; both answers are given.
 * @param {ResolveAll} resolve e.g. dns.lookup
 * @returns {(hostname: string, options: any, callback: (...args: any[]) => void) => void}
 */
function guardedLookup(resolve) {
  return function lookup(hostname, options, callback) {
    const done = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'number' ? { family: options } : typeof options === 'object' && options ? options : {};
    resolve(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return done(error);
      const list = Array.isArray(addresses) ? addresses : [];
      if (list.length === 0) return done(Object.assign(new Error(`${hostname} resolved to no address`), { code: 'ENOTFOUND' }));
      for (const entry of list) {
        const kind = forbiddenAddressKind(entry.address);
        if (kind) return done(new ForbiddenAddressError(hostname, entry.address, kind));
      }
      if (opts.all) return done(null, list);
      return done(null, list[0].address, list[0].family);
    });
  };
}

module.exports = { CREDENTIAL_QUERY_NAMES, FORBIDDEN_RANGES, forbiddenAddressKind, checkToolUrl, guardedLookup, ForbiddenAddressError };
