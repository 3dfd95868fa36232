import { isUnresolved, type ProblemCollector } from '../governance/errors';

/**
 * What an HTTP tool target may be: the gateway function calls it with a tool-side credential, from
 * AWS's network. A URL that carries a secret (userinfo, a key in the query) would put it in the
 * synthesized JSON, the state and every log of the URL; a URL to a loopback, link-local, private or
 * metadata address would turn the gateway into a way into the networks and services around it
 * (OWASP SSRF; AWS instance metadata at 169.254.169.254 and fd00:ec2::254). The gateway function
 * checks the same again at connect time (functions/gateway), since DNS can change after synth.
 */

/** Query parameter names that carry credentials (compared without case). */
export const CREDENTIAL_QUERY_PARAMETERS = [
  'api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'auth', 'secret', 'password', 'pwd', 'sig', 'signature',
  'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'client_secret',
] as const;

const PRIVATE_V4: readonly [number, number, number][] = [
  // [first octet, second octet lower bound, upper bound] for the ranges that need the second octet.
  [172, 16, 31],
  [192, 168, 168],
  [169, 254, 254],
  [100, 64, 127],
];

/** True for a loopback, link-local, private, carrier-grade NAT, unspecified or metadata IPv4 address. */
export function isInternalIpv4(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a === 0 || a === 10 || a === 127) return true;
  return PRIVATE_V4.some(([first, lo, hi]) => a === first && b >= lo && b <= hi);
}

/** True for an IPv6 literal in loopback, unspecified, link-local, unique-local or IPv4-mapped ranges. */
export function isInternalIpv6(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!h.includes(':')) return false;
  return h === '::1' || h === '::' || /^fe[89ab]/.test(h) || /^f[cd]/.test(h) || h.startsWith('::ffff:');
}

/** Host names that are never a tool's. */
const INTERNAL_NAMES = /^(localhost|localhost\.localdomain|metadata|metadata\.google\.internal|instance-data)(\.)?$|\.localhost\.?$|\.internal\.?$|\.local\.?$/i;

/**
 * Checks an HTTP tool target URL; records one problem per fault with the fix.
 * @param prop the prop's path, e.g. `tools (ticketing).target.url`
 */
export function checkToolUrl(problems: ProblemCollector, prop: string, url: unknown): void {
  if (isUnresolved(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    // Unparseable, but it may still carry a password or a key: shown redacted by its text.
    problems.add(prop, typeof url === 'string' ? redactText(url) : url, 'an absolute https URL like "https://tickets.example.com/api/v2"', 'write the full URL of the tool API');
    return;
  }
  const shown = redact(parsed);
  if (parsed.protocol !== 'https:') problems.add(prop, shown, 'an https URL (the tool credential travels in a header)', 'use the tool API\'s https address');
  if (parsed.username || parsed.password) {
    problems.add(prop, shown, 'a URL without user name or password (they would be in the synthesized JSON, the state and every log)', 'remove the userinfo and put the credential in a tool-side secret (credential.secretArn)');
  }
  const leaked = [...parsed.searchParams.keys()].filter((k) => (CREDENTIAL_QUERY_PARAMETERS as readonly string[]).includes(k.toLowerCase()));
  if (leaked.length > 0) {
    problems.add(prop, shown, `a URL without credential-like query parameters (found ${leaked.join(', ')})`, 'remove them and put the credential in a tool-side secret (credential.secretArn, sent as a header)');
  }
  const host = parsed.hostname;
  if (isInternalIpv4(host) || isInternalIpv6(host) || INTERNAL_NAMES.test(host)) {
    problems.add(prop, shown, 'a public host name (not loopback, link-local, private, metadata or .internal/.local)', 'reach internal systems through a governed service or a Lambda tool, never by an internal address');
  }
}

/** The URL as shown in an error: userinfo and query values replaced, so the error does not leak them. */
function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.username) copy.username = 'REDACTED';
  if (copy.password) copy.password = 'REDACTED';
  for (const key of [...copy.searchParams.keys()]) copy.searchParams.set(key, 'REDACTED');
  return copy.toString();
}

/** A string that did not parse as a URL, with anything that looks like userinfo or a query value replaced. */
function redactText(text: string): string {
  return text.replace(/\/\/[^/?#]*@/, '//REDACTED@').replace(/([?&;][^=&#;]*=)[^&#;]*/g, '$1REDACTED');
}

/** IAM-style ARN pattern match: `*` any characters, `?` one. */
export function arnMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(arn);
}
