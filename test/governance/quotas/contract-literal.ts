import { parseJsonencodeLiteral } from '../../../constructs/policy-engine/contract-values';

/** The literal parts of a synthesized contract value (`${jsonencode({...})}`), as an object. */
export function parseContractLiteral(value: string): Record<string, unknown> {
  const parsed = parseJsonencodeLiteral(value);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`not a jsonencode object literal: ${value.slice(0, 80)}`);
  return parsed as Record<string, unknown>;
}
