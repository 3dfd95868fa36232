import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { checkDerivedName } from '../governance/names';
import { ProblemCollector } from '../governance/errors';

/** Schema version of route entries: functions/gateway reads only this one. */
export const ROUTE_ENTRY_SCHEMA = 1;

export interface GatewayRouteEntryProps {
  /** The SSM path prefix (`/governance/<env>/routes/` or `/governance/<env>/agents/`). */
  readonly prefix: string;
  /** The workload or agent name: the last path segment. */
  readonly name: string;
  /**
   * The entry's fields (ARNs may be Terraform references): `schema` is added. A function is read
   * at synth, after every grant (a service's `callers` grow with `grantInvoke`).
   */
  readonly entry: Record<string, unknown> | (() => Record<string, unknown>);
  readonly tags: Record<string, string>;
}

/**
 * What the gateway function needs to act for one workload or agent: its kind, model or endpoint,
 * guardrail, tools and tenants, and whether it is revoked. A route is data, not an API Gateway
 * resource: a product stack publishes its entry, the platform's routes stay fixed. The entry never
 * names the integration identity: the function derives it from the route's path, so a tampered
 * entry can only misdirect its own workload's identity, which reaches only that workload's grants.
 */
export class GatewayRouteEntry extends Construct {
  public readonly parameter: SsmParameter;

  constructor(scope: Construct, id: string, props: GatewayRouteEntryProps) {
    super(scope, id);
    const name = `${props.prefix}${props.name}`;
    const problems = new ProblemCollector(this.node.path);
    checkDerivedName(problems, 'name', props.name, 'ssmParameter', name, 'route entry parameter name');
    problems.throwIfAny();
    this.parameter = new SsmParameter(this, 'parameter', {
      name,
      description: `Gateway route entry of ${props.name} (read by the environment's gateway function)`,
      type: 'String',
      // Agents with many tools outgrow the 4 KB of a standard parameter; SSM picks the tier.
      tier: 'Intelligent-Tiering',
      value: Lazy.stringValue({ produce: () => Fn.jsonencode({ schema: ROUTE_ENTRY_SCHEMA, ...(typeof props.entry === 'function' ? props.entry() : props.entry) }) }),
      tags: props.tags,
    });
  }
}
