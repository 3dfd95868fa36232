import type { Construct } from 'constructs';
import { VerifiedpermissionsPolicy } from '@cdktf/provider-aws/lib/verifiedpermissions-policy';
import type { CedarPolicy } from '../agent-authorization/cedar-policies';

/**
 * Adds an agent's Cedar policies to the environment's policy store as Verified Permissions static
 * policies under `scope` (the agent), so their Terraform addresses follow the agent and the policy
 * ids. The store and its schema belong to the platform stack, applied first.
 */
export function addAgentPolicies(scope: Construct, policyStoreId: string, policies: readonly CedarPolicy[]): VerifiedpermissionsPolicy[] {
  return policies.map(
    (p) =>
      new VerifiedpermissionsPolicy(scope, `cedar-${p.id.replace(/\./g, '-')}`, {
        policyStoreId,
        definition: [{ static: [{ description: p.description, statement: p.statement }] }],
      }),
  );
}
