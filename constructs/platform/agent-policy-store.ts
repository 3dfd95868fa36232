import { Construct } from 'constructs';
import { VerifiedpermissionsPolicyStore } from '@cdktf/provider-aws/lib/verifiedpermissions-policy-store';
import { VerifiedpermissionsSchema } from '@cdktf/provider-aws/lib/verifiedpermissions-schema';
import { cedarSchema } from '../agent-authorization/cedar-policies';

export interface AgentPolicyStoreProps {
  readonly environmentName: string;
  readonly tags: Record<string, string>;
}

/**
 * The environment's Amazon Verified Permissions policy store for agent tool calls, owned by the
 * platform (the gateway function asks it) and published in the contract: strict validation against
 * the generated Cedar schema, so a policy that names an unknown action, entity or context attribute
 * fails at apply instead of silently never matching. Agents add their policies from their own
 * stacks ({@link addAgentPolicies} in primitives/agent-policies.ts).
 */
export class AgentPolicyStore extends Construct {
  public readonly store: VerifiedpermissionsPolicyStore;
  public readonly schema: VerifiedpermissionsSchema;
  public readonly policyStoreId: string;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: AgentPolicyStoreProps) {
    super(scope, id);
    this.store = new VerifiedpermissionsPolicyStore(this, 'store', {
      description: `Agent tool authorization of ${props.environmentName}: Cedar policies generated from tool grants`,
      validationSettings: [{ mode: 'STRICT' }],
      tags: props.tags,
    });
    this.policyStoreId = this.store.policyStoreId;
    this.arn = this.store.arn;
    this.schema = new VerifiedpermissionsSchema(this, 'schema', {
      policyStoreId: this.store.policyStoreId,
      definition: { value: JSON.stringify(cedarSchema()) },
    });
  }
}
