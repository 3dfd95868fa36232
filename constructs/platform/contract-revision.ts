import { createHash } from 'crypto';

/**
 * The contract's revision, computed here exactly as the platform stack's Terraform computes it at
 * apply: `sha256(jsonencode(contract))` over every field but `revision`. A pinned copy whose
 * revision does not match its own content was edited after export; a live contract whose revision
 * differs from the pinned one has changed since the product repository pinned it.
 *
 * Terraform's jsonencode (https://developer.hashicorp.com/terraform/language/functions/jsonencode):
 * compact JSON, object keys sorted, and `<`, `>`, `&`, U+2028 and U+2029 written as `\u003c`,
 * `\u003e`, `\u0026`, `\u2028`, `\u2029`. Other escapes are Go's encoding/json, which matches
 * JSON.stringify for the characters a contract holds. test/platform/contract-revision.test.ts checks
 * the equivalence against `terraform console`.
 */
export function terraformJsonencode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return encodeString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`jsonencode: ${value} is not a Terraform number`);
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(terraformJsonencode).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    // Go sorts map keys and cty object attributes by byte order; for the ASCII keys of a contract
    // that is JavaScript's default code-unit order.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${encodeString(k)}:${terraformJsonencode(v)}`).join(',')}}`;
  }
  throw new Error(`jsonencode: a ${typeof value} has no JSON form`);
}

const HTML_UNSAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function encodeString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => HTML_UNSAFE[c]);
}

/** The revision of a contract: hex SHA-256 of its jsonencode without `revision`. */
export function contractRevision(contract: Record<string, unknown>): string {
  const { revision: _ignored, ...body } = contract;
  void _ignored;
  return createHash('sha256').update(terraformJsonencode(body), 'utf8').digest('hex');
}
