import * as crypto from 'crypto';

/**
 * A finding's stable identity across runs: the rule, the stack and the resource address (for an
 * exception finding, the excepted construct path and the excepted rule, which its message names).
 * It leaves out what changes without the finding changing: the order of resources and findings,
 * the message wording of a resource finding, other resources, line numbers. Used as SARIF
 * `partialFingerprints` (code-scanning tools track a result by it) and by `--baseline`.
 * Source: SARIF 2.1.0 section 3.27.17, partialFingerprints.
 */
export const FINGERPRINT_KEY = 'cdktfAiGovernanceFinding/v1';

export interface FingerprintParts {
  readonly ruleId: string;
  readonly stackName: string;
  readonly address: string;
  readonly constructPath?: string;
  readonly message: string;
}

export function findingFingerprint(f: FingerprintParts): string {
  // Exception findings have no resource ('-'): the excepted construct and rule identify them.
  const where = f.address === '-' ? `exception ${f.constructPath ?? ''} ${/exception for (\S+)/.exec(f.message)?.[1] ?? ''}` : f.address;
  // One-shot hashing: a review of 10,000 resources fingerprints thousands of findings.
  return crypto.hash('sha256', `${f.ruleId}\u0000${f.stackName}\u0000${where}`, 'hex');
}
