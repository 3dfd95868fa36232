/**
 * Where an HTTP tool may be called: the static URL checks and the address checks at connect time,
 * including through the real node:https (refused before any connection, so no network is needed).
 */
import * as https from 'node:https';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkToolUrl, forbiddenAddressKind, guardedLookup, CREDENTIAL_QUERY_NAMES, FORBIDDEN_RANGES } = require('../../../functions/gateway/url-safety.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { callHttpTool } = require('../../../functions/gateway/http-tool.js');

describe('static URL checks', () => {
  it.each(['https://tickets.example.com/api/v2', 'https://tickets.example.com:8443/api', 'https://xn--bcher-kva.example/api'])('accepts %s', (url) => {
    expect(checkToolUrl(url).ok).toBe(true);
  });

  const refused: Array<[string, string]> = [
    ['https://bot:s3cr3t@tickets.example.com/api', 'the tool URL carries user info (a credential in the URL)'],
    ['https://bot@tickets.example.com/api', 'the tool URL carries user info (a credential in the URL)'],
    ['https://localhost:8443/admin', 'the tool URL host localhost is a loopback name'],
    ['https://LOCALHOST./admin', 'the tool URL host localhost. is a loopback name'],
    ['https://api.localhost/admin', 'the tool URL host api.localhost is a loopback name'],
    ['https://169.254.169.254/latest/meta-data', 'the tool URL host 169.254.169.254 is an IP literal (link-local (incl. the instance metadata service)); name the tool by a DNS name'],
    ['https://2130706433/', 'the tool URL host 127.0.0.1 is an IP literal (loopback); name the tool by a DNS name'],
    ['https://0x7f.1/', 'the tool URL host 127.0.0.1 is an IP literal (loopback); name the tool by a DNS name'],
    ['https://[fd00:ec2::254]/latest', 'the tool URL host [fd00:ec2::254] is an IP literal (unique local (RFC 4193, incl. the instance metadata service fd00:ec2::254)); name the tool by a DNS name'],
    ['https://[::ffff:a9fe:a9fe]/', 'the tool URL host [::ffff:a9fe:a9fe] is an IP literal (link-local (incl. the instance metadata service), embedded in an IPv6 address); name the tool by a DNS name'],
    ['https://3.248.10.10/api', 'the tool URL host 3.248.10.10 is an IP literal; name the tool by a DNS name'],
    ['http://tickets.example.com/api', 'the tool URL uses http, not https'],
    ['file:///etc/passwd', 'the tool URL uses file, not https'],
    ['https://tickets.example.com/api#x', 'the tool URL has a fragment'],
    ['https://tickets.example.com/api?api_key=abc123', 'the tool URL has a query; configure the base URL only'],
    ['https://tickets_example/api', 'the tool URL host tickets_example is not a DNS name'],
    ['not a url', 'the tool URL is not a URL'],
  ];

  it.each(refused)('break 8: refuses %s', (url, reason) => {
    expect(checkToolUrl(url)).toEqual({ ok: false, reason });
  });

  it.each(CREDENTIAL_QUERY_NAMES as string[])('break 8: refuses a final URL with the credential-like query parameter %s (any case)', (name) => {
    expect(checkToolUrl(`https://tickets.example.com/api/x?page=1&${name.toUpperCase()}=v`, { allowQuery: true }))
      .toEqual({ ok: false, reason: `the tool URL has the credential-like query parameter ${name.toUpperCase()}` });
  });

  it('lists the credential-like names of the design', () => {
    expect(CREDENTIAL_QUERY_NAMES).toEqual(['api_key', 'apikey', 'key', 'token', 'access_token', 'secret', 'password', 'sig', 'signature', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token']);
  });
});

describe('forbidden addresses', () => {
  const forbidden: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'],
    ['172.31.255.255', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['169.254.169.254', 'link-local (incl. the instance metadata service)'],
    ['169.254.169.253', 'link-local (incl. the instance metadata service)'],
    ['0.0.0.0', 'unspecified (RFC 1122 "this network")'],
    ['100.64.0.1', 'shared address space (RFC 6598)'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved and broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'unique local (RFC 4193, incl. the instance metadata service fd00:ec2::254)'],
    ['fc00::1', 'unique local (RFC 4193, incl. the instance metadata service fd00:ec2::254)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback, embedded in an IPv6 address'],
    ['::ffff:7f00:1', 'loopback, embedded in an IPv6 address'],
    ['::ffff:169.254.169.254', 'link-local (incl. the instance metadata service), embedded in an IPv6 address'],
    ['64:ff9b::a9fe:a9fe', 'link-local (incl. the instance metadata service), embedded in an IPv6 address'],
    ['::10.0.0.1', 'private (RFC 1918), embedded in an IPv6 address'],
    ['metadata.google.internal', 'not an IP address'],
  ];

  it.each(forbidden)('refuses %s (%s)', (address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '3.248.10.10', '172.32.0.1', '100.128.0.1', '198.20.0.1', '192.0.1.1', '2600:1f18::1', '2a05:d018:1:2::20', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('accepts the public address %s', (address) => {
    expect(forbiddenAddressKind(address)).toBeUndefined();
  });

  const BENCHMARKING = 'benchmarking (RFC 2544)';
  const IETF4 = 'IETF protocol assignments (RFC 6890)';
  const DOC4 = 'documentation (RFC 5737)';
  const DOC6 = 'documentation (RFC 3849, RFC 9637)';
  const IETF6 = 'IETF protocol assignments (RFC 2928), incl. Teredo 2001::/32 (RFC 4380)';
  const NOT_GLOBAL = 'outside the global unicast range 2000::/3 (reserved by the IETF)';
  const special: Array<[string, string]> = [
    ['2002:a9fe:a9fe::1', 'link-local (incl. the instance metadata service), embedded in an IPv6 address'],
    ['2002:7f00:1::', 'loopback, embedded in an IPv6 address'],
    ['2002:c0a8:101:0:1:2:3:4', 'private (RFC 1918), embedded in an IPv6 address'],
    ['2002:c612:1::1', `${BENCHMARKING}, embedded in an IPv6 address`],
    ['64:ff9b:1::a9fe:a9fe', 'local-use IPv4/IPv6 translation (RFC 8215)'],
    ['64:ff9b:1:a9fe:a9fe::', 'local-use IPv4/IPv6 translation (RFC 8215)'],
    ['64:ff9b::c612:1', `${BENCHMARKING}, embedded in an IPv6 address`],
    ['198.18.0.1', BENCHMARKING],
    ['198.19.255.255', BENCHMARKING],
    ['192.0.0.1', IETF4],
    ['192.0.0.170', IETF4],
    ['192.0.2.1', DOC4],
    ['198.51.100.7', DOC4],
    ['203.0.113.10', DOC4],
    ['192.88.99.1', '6to4 relay anycast (RFC 7526, deprecated)'],
    ['2001:db8::1', DOC6],
    ['3fff::1', DOC6],
    ['2001::1', IETF6],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', IETF6],
    ['2001:2::1', IETF6],
    ['100::1', 'discard-only (RFC 6666)'],
    ['100:0:0:1::1', 'dummy IPv6 prefix (RFC 9780)'],
    ['5f00::1', 'SRv6 SIDs (RFC 9602)'],
    ['fec0::1', 'site-local (deprecated, RFC 3879)'],
    ['::ffff:0:a9fe:a9fe', NOT_GLOBAL],
    ['::8.8.8.8', NOT_GLOBAL],
    ['4000::1', NOT_GLOBAL],
  ];

  it.each(special)('embedded IPv4 SSRF: refuses %s (%s)', (address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it('embedded IPv4 SSRF: a tool URL host written as a 6to4 address of the metadata service is refused', () => {
    expect(checkToolUrl('https://[2002:a9fe:a9fe::1]/latest')).toEqual({ ok: false,
      reason: 'the tool URL host [2002:a9fe:a9fe::1] is an IP literal (link-local (incl. the instance metadata service), embedded in an IPv6 address); name the tool by a DNS name' });
  });

  it('embedded IPv4 SSRF: lists every IANA special-purpose range that is not globally reachable (IPv4 and IPv6 registries, RFC 6890 and updates)', () => {
    const ranges = FORBIDDEN_RANGES.map(([network, prefix]: [string, number]) => `${network}/${prefix}`);
    expect(['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24',
      '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4',
      '::/128', '::1/128', '64:ff9b:1::/48', '100::/64', '100:0:0:1::/64', '2001::/23', '2001:db8::/32', '3fff::/20', '5f00::/16', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8']
      .filter((r) => !ranges.includes(r))).toEqual([]);
  });

  it('covers loopback, link-local, RFC 1918, RFC 4193 and unspecified, in both families', () => {
    const ranges = FORBIDDEN_RANGES.map(([network, prefix]: [string, number]) => `${network}/${prefix}`);
    expect(['127.0.0.0/8', '169.254.0.0/16', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '0.0.0.0/8', '::1/128', 'fe80::/10', 'fc00::/7', '::/128']
      .filter((r) => !ranges.includes(r))).toEqual([]);
  });
});

describe('the lookup given to node:https', () => {
  const resolver = (answers: Record<string, string[]>) => (host: string, _options: unknown, callback: (e: Error | null, a: Array<{ address: string; family: number }>) => void) =>
    answers[host]
      ? callback(null, answers[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))
      : callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);

  const lookup = (answers: Record<string, string[]>, host: string, options: object) =>
    new Promise<{ error: any; args: any[] }>((resolve) => guardedLookup(resolver(answers))(host, options, (error: any, ...args: any[]) => resolve({ error, args })));

  it('answers one address when node asks for one', async () => {
    expect(await lookup({ 'a.example.com': ['3.248.0.1', '3.248.0.2'] }, 'a.example.com', { family: 0 })).toEqual({ error: null, args: ['3.248.0.1', 4] });
  });

  it('answers every address when node asks for all (autoSelectFamily)', async () => {
    expect(await lookup({ 'a.example.com': ['3.248.0.1', '2a05:d018::1'] }, 'a.example.com', { all: true })).toEqual({
      error: null, args: [[{ address: '3.248.0.1', family: 4 }, { address: '2a05:d018::1', family: 6 }]],
    });
  });

  it('refuses the whole answer when any address is forbidden', async () => {
    const { error } = await lookup({ 'a.example.com': ['3.248.0.1', '10.0.0.5'] }, 'a.example.com', { family: 0 });
    expect([error.name, error.code, error.message]).toEqual(['ForbiddenAddressError', 'EGOVFORBIDDENADDRESS',
      'a.example.com resolves to 10.0.0.5, a private (RFC 1918) address; tools are called only on public addresses']);
  });

  it('passes a resolver error on', async () => {
    expect((await lookup({}, 'nowhere.example.com', {})).error.code).toBe('ENOTFOUND');
  });

  it('break 8: with the real node:https, a host resolving to 169.254.169.254 is refused before any connection', async () => {
    const url = new URL('https://rebind.example.com/latest/meta-data');
    const result = await callHttpTool({ request: https.request, lookup: resolver({ 'rebind.example.com': ['169.254.169.254'] }) }, { url, method: 'GET', headers: {}, body: Buffer.alloc(0) })
      .then(() => 'connected', (e: any) => [e.status, e.reason]);
    expect(result).toEqual([502, 'tool target refused at connect time: rebind.example.com resolves to 169.254.169.254, a link-local (incl. the instance metadata service) address; tools are called only on public addresses']);
  });

  it('break 8: with the real node:https, a host resolving to ::1 is refused before any connection', async () => {
    const url = new URL('https://rebind.example.com/x');
    const result = await callHttpTool({ request: https.request, lookup: resolver({ 'rebind.example.com': ['::1'] }) }, { url, method: 'POST', headers: {}, body: Buffer.from('x') })
      .then(() => 'connected', (e: any) => e.status);
    expect(result).toBe(502);
  });
});
