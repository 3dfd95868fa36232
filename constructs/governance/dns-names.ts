/**
 * Host names as DNS knows them (RFC 1123 section 2.1 over RFC 1035 section 2.3.1): dot-separated
 * labels of 1 to 63 letters, digits and inner dashes, at least two labels, at most 253
 * characters, no trailing dot. A URL (`https://...`), a port (`:443`) or a path is not a host name.
 */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
export const MAX_DNS_NAME_LENGTH = 253;

export function isDnsName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_DNS_NAME_LENGTH) return false;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** Why a value is not a host name, for the fix of an error message. */
export function dnsNameHint(value: unknown): string {
  if (typeof value !== 'string') return 'pass the DNS name of the NLB as a string, e.g. "ai-gateway-nlb-0123456789abcdef.elb.eu-west-1.amazonaws.com"';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'drop the scheme: give the host name only, e.g. "ai-gateway-nlb.internal.example.com"';
  if (/[:/]/.test(value)) return 'drop the port and path: give the host name only, e.g. "ai-gateway-nlb.internal.example.com"';
  return 'give the NLB\'s DNS name, e.g. "ai-gateway-nlb-0123456789abcdef.elb.eu-west-1.amazonaws.com"';
}
