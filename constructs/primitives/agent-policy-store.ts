import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { VerifiedpermissionsPolicy } from '@cdktf/provider-aws/lib/verifiedpermissions-policy';
import { VerifiedpermissionsPolicyStore } from '@cdktf/provider-aws/lib/verifiedpermissions-policy-store';
import { VerifiedpermissionsSchema } from '@cdktf/provider-aws/lib/verifiedpermissions-schema';
import { cedarSchema, type CedarPolicy } from '../agent-authorization/cedar-policies';

export interface AgentPolicyStoreProps {
  readonly environmentName: string;
  readonly tags: Record<string, string>;
}

/**
 * The environment's Amazon Verified Permissions policy store for agent tool calls: strict
 * validation against the generated Cedar schema, so a policy that names an unknown action,
 * entity or context attribute fails at apply instead of silently never matching.
 *
 * One per environment in a stack: every agent of that environment in the stack adds its policies
 * here ({@link AgentPolicyStore.of}). The store belongs on the GovernedEnvironment once the
 * environment contract carries its id; until then a workload stack owns the store of its agents.
 */
export class AgentPolicyStore extends Construct {
  public readonly store: VerifiedpermissionsPolicyStore;
  public readonly schema: VerifiedpermissionsSchema;
  public readonly policyStoreId: string;
  public readonly arn: string;

  /** The store of one environment in the stack of `scope`, created on first use. */
  static of(scope: Construct, environmentName: string, tags: Record<string, string>): AgentPolicyStore {
    const stack = TerraformStack.of(scope);
    const id = `agent-policy-store-${environmentName}`;
    return (stack.node.tryFindChild(id) as AgentPolicyStore | undefined) ?? new AgentPolicyStore(stack, id, { environmentName, tags });
  }

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

  /**
   * Adds policies as Verified Permissions static policies under `scope` (the agent), so their
   * Terraform addresses follow the agent and the policy ids. Strict validation needs the schema first.
   */
  addPolicies(scope: Construct, policies: readonly CedarPolicy[]): VerifiedpermissionsPolicy[] {
    return policies.map(
      (p) =>
        new VerifiedpermissionsPolicy(scope, `cedar-${p.id.replace(/\./g, '-')}`, {
          policyStoreId: this.store.policyStoreId,
          definition: [{ static: [{ description: p.description, statement: p.statement }] }],
          dependsOn: [this.schema],
        }),
    );
  }
}
