import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcEndpointPolicy } from '@cdktf/provider-aws/lib/vpc-endpoint-policy';
import { BEDROCK_APPLY_GUARDRAIL, BEDROCK_INVOKE, EXECUTE_API_INVOKE, LOGS_DESCRIBE, LOGS_WRITE, SAGEMAKER_INVOKE, SECRETS_READ, STS_ASSUME } from '../governance/iam-actions';
import { policyJson, type PolicyStatement } from '../governance/policy-document';
import { bedrockModelArn } from '../governance/arns';

export interface InterfaceEndpointsProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: string[];
  readonly rolePath: string;
  readonly allowedModels: readonly string[];
  /** Adds the EKS Pod Identity (eks-auth) endpoint for this cluster. */
  readonly eksClusterArn?: string;
  readonly tags: Record<string, string>;
}

/** The endpoints every environment gets; eks-auth joins them when the environment runs Kubernetes. */
export const ENDPOINT_SERVICES = ['bedrock-runtime', 'sagemaker.runtime', 'secretsmanager', 'logs', 'sts', 'execute-api'] as const;
export type EndpointService = (typeof ENDPOINT_SERVICES)[number] | 'eks-auth';

/**
 * Interface VPC endpoints, shared by every workload of the environment (one set per environment,
 * never per workload: each costs about $7 a month per AZ). Private DNS makes the SDKs use them
 * without configuration; a dedicated security group admits HTTPS from the VPC only; each endpoint
 * policy admits only the environment's governed roles (matched by IAM path) and, for Bedrock, only
 * the allowed models.
 */
export class InterfaceEndpoints extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly endpoints: Record<string, VpcEndpoint> = {};

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
    if (props.eksClusterArn) services.push('eks-auth');
    for (const service of services) {
      const statements = this.policyFor(service);
      this.endpoints[service] = new VpcEndpoint(this, service.replace('.', '-'), {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [this.securityGroup.id],
        policy: statements ? policyJson(statements) : undefined,
        tags: { ...props.tags, Name: `governed-${props.envName}-${service}` },
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
      policy: policyJson([this.allow('InvokeGovernedGateway', EXECUTE_API_INVOKE, `${executionArn}/*`)]),
    });
  }

  private allow(sid: string, actions: readonly string[], resource: string | string[]): PolicyStatement {
    const { accountId, rolePath } = this.props;
    return {
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: [...actions],
      Resource: resource,
      Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${accountId}:role${rolePath}*` } },
    };
  }

  private policyFor(service: EndpointService): PolicyStatement[] | undefined {
    const { region, accountId, envName } = this.props;
    switch (service) {
      case 'bedrock-runtime':
        return [
          this.allow('InvokeAllowedModels', BEDROCK_INVOKE, this.props.allowedModels.map((m) => bedrockModelArn(region, m))),
          this.allow('ApplyEnvironmentGuardrails', BEDROCK_APPLY_GUARDRAIL, `arn:aws:bedrock:${region}:${accountId}:guardrail/*`),
        ];
      case 'sagemaker.runtime':
        return [this.allow('InvokeEnvironmentEndpoints', SAGEMAKER_INVOKE, `arn:aws:sagemaker:${region}:${accountId}:endpoint/${envName}-*`)];
      case 'secretsmanager':
        return [this.allow('ReadEnvironmentSecrets', SECRETS_READ, `arn:aws:secretsmanager:${region}:${accountId}:secret:governed/${envName}/*`)];
      case 'logs':
        return [this.allow('WriteEnvironmentLogs', [...LOGS_WRITE, ...LOGS_DESCRIBE], `arn:aws:logs:${region}:${accountId}:log-group:/governed/${envName}/*`)];
      case 'sts':
        return [this.allow('AssumeEnvironmentRoles', STS_ASSUME, `arn:aws:iam::${accountId}:role${this.props.rolePath}*`)];
      case 'eks-auth':
        // Called by the node's Pod Identity agent, not by a governed role: scope it to the cluster.
        return [
          {
            Sid: 'PodIdentityForEnvironmentCluster',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${accountId}:root` },
            Action: ['eks-auth:AssumeRoleForPodIdentity'],
            Resource: this.props.eksClusterArn!,
          },
        ];
      case 'execute-api':
        return undefined; // see restrictExecuteApi
    }
  }
}
