import { Fn } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { DataAwsNetworkInterface } from '@cdktf/provider-aws/lib/data-aws-network-interface';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcEndpointPolicy } from '@cdktf/provider-aws/lib/vpc-endpoint-policy';
import { bedrockModelArn } from '../governance/arns';
import { policyJson, type PolicyStatement } from '../governance/policy-document';

export interface InterfaceEndpointsProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: string[];
  /** Workload and integration identities' path: the principals the endpoint policies clamp. */
  readonly rolePath: string;
  readonly allowedModels: readonly string[];
  /** Adds the EKS Pod Identity (eks-auth) endpoint. */
  readonly kubernetes: boolean;
  readonly tags: Record<string, string>;
}

/** The endpoints every environment gets; eks-auth joins them when the environment runs Kubernetes. */
export const ENDPOINT_SERVICES = ['bedrock-runtime', 'sagemaker.runtime', 'secretsmanager', 'logs', 'sts', 'execute-api'] as const;
export type EndpointService = (typeof ENDPOINT_SERVICES)[number] | 'eks-auth';

/**
 * Interface VPC endpoints, shared by every workload of the environment (one set per VPC, never per
 * workload: each costs about $7 a month per AZ). Private DNS makes every SDK in the VPC use them, so
 * their policies must be safe for neighbours: each allows every principal (the AWS default) and
 * then denies the environment's governed identities anything outside the environment's own
 * resources. A neighbour's `sts:AssumeRole`, log agent or secret read passes as before; a governed
 * workload cannot use the endpoint to reach another environment's or team's resources. A dedicated
 * security group admits HTTPS from the VPC only. The endpoints' private IPs are read back so
 * Kubernetes egress can name them instead of the whole VPC.
 */
export class InterfaceEndpoints extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly endpoints: Record<string, VpcEndpoint> = {};
  /** Private IPv4 addresses of every endpoint's network interfaces (known after apply). */
  public readonly endpointIps: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: InterfaceEndpointsProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `governed-${props.envName}-endpoints`,
      description: `Interface endpoints of ${props.envName}: HTTPS from the VPC only`,
      vpcId: props.vpcId,
      ingress: [{ description: 'HTTPS from inside the VPC', fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: [props.vpcCidr] }],
      egress: [],
      revokeRulesOnDelete: true,
      tags: props.tags,
    });
    const services: EndpointService[] = [...ENDPOINT_SERVICES];
    if (props.kubernetes) services.push('eks-auth');
    for (const service of services) {
      const statements = this.policyFor(service);
      const endpoint = new VpcEndpoint(this, service.replace('.', '-'), {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [this.securityGroup.id],
        policy: statements ? policyJson(statements) : undefined,
        tags: { ...props.tags, Name: `governed-${props.envName}-${service}` },
      });
      this.endpoints[service] = endpoint;
      // One interface per subnet: read each one's address (the count is the subnets', known now).
      props.subnetIds.forEach((_subnet, i) => {
        const eni = new DataAwsNetworkInterface(this, `${service.replace('.', '-')}-eni-${i}`, {
          id: Fn.element(endpoint.networkInterfaceIds, i),
        });
        this.endpointIps.push(eni.privateIp);
      });
    }
  }

  /**
   * The execute-api endpoint's policy names the gateway, and the gateway names the endpoint: the
   * policy is a separate resource to break that cycle.
   */
  restrictExecuteApi(executionArn: string): void {
    new VpcEndpointPolicy(this, 'execute-api-policy', {
      vpcEndpointId: this.endpoints['execute-api'].id,
      policy: policyJson([allowEveryone(), this.denyGovernedOutside('GovernedCallOnlyTheEnvironmentGateway', ['execute-api:*'], `${executionArn}/*`)]),
    });
  }

  /** Denies the environment's governed identities the service's actions on anything but `resources`. */
  private denyGovernedOutside(sid: string, actions: readonly string[], resources: string | string[]): PolicyStatement {
    return {
      Sid: sid,
      Effect: 'Deny',
      Principal: '*',
      Action: [...actions],
      NotResource: resources,
      Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${this.props.accountId}:role${this.props.rolePath}*` } },
    };
  }

  private policyFor(service: EndpointService): PolicyStatement[] | undefined {
    const { region, accountId: acct, envName } = this.props;
    switch (service) {
      case 'bedrock-runtime':
        return [
          allowEveryone(),
          this.denyGovernedOutside('GovernedUseOnlyAllowedModelsAndGuardrails', ['bedrock:*'], [
            ...this.props.allowedModels.map((m) => bedrockModelArn(region, m)),
            `arn:aws:bedrock:${region}:${acct}:guardrail/*`,
          ]),
        ];
      case 'sagemaker.runtime':
        return [allowEveryone(), this.denyGovernedOutside('GovernedInvokeOnlyEnvironmentEndpoints', ['sagemaker:*'], `arn:aws:sagemaker:${region}:${acct}:endpoint/${envName}-*`)];
      case 'secretsmanager':
        return [allowEveryone(), this.denyGovernedOutside('GovernedReadOnlyEnvironmentSecrets', ['secretsmanager:*'], `arn:aws:secretsmanager:${region}:${acct}:secret:governed/${envName}/*`)];
      case 'logs':
        return [
          allowEveryone(),
          this.denyGovernedOutside('GovernedWriteOnlyEnvironmentLogs', ['logs:*'], [
            `arn:aws:logs:${region}:${acct}:log-group:/governed/${envName}/*`,
            `arn:aws:logs:${region}:${acct}:log-group:/aws/sagemaker/Endpoints/${envName}-*`,
          ]),
        ];
      case 'sts':
        // Workloads get credentials from Pod Identity or their service; they never assume roles.
        return [allowEveryone(), { ...this.denyGovernedOutside('GovernedAssumeNoRoles', ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'], '*'), NotResource: undefined, Resource: '*' }];
      case 'eks-auth':
        // Called by the nodes' Pod Identity agents, of any cluster in the VPC.
        return [allowEveryone()];
      case 'execute-api':
        return undefined; // see restrictExecuteApi
    }
  }
}

/** The AWS default endpoint policy: the endpoint itself does not restrict anyone. */
function allowEveryone(): PolicyStatement {
  return { Sid: 'NeighboursUnchanged', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };
}

const vpcClaims = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Only one interface endpoint per service with private DNS can exist in a VPC ("conflicting DNS
 * domain" at apply). Records that `path` creates endpoints in `vpcId` and returns the path of an
 * earlier creator in this app, if any. Token VPC ids compare by their token string: the same
 * reference is the same VPC.
 */
export function claimVpcEndpoints(scope: IConstruct, vpcId: string, path: string): string | undefined {
  let registry = vpcClaims.get(scope.node.root);
  if (!registry) vpcClaims.set(scope.node.root, (registry = new Map()));
  const earlier = registry.get(vpcId);
  if (earlier) return earlier;
  registry.set(vpcId, path);
  return undefined;
}
