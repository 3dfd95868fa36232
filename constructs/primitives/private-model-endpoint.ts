import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { checkDerivedName } from '../governance/names';
import { ProblemCollector } from '../governance/errors';
import type { SagemakerEndpoint } from '@cdktf/provider-aws/lib/sagemaker-endpoint';
import type { SagemakerModel } from '@cdktf/provider-aws/lib/sagemaker-model';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { IGovernedEnvironment } from '../governance/environment';

export interface PrivateModelEndpointProps {
  readonly environment: IGovernedEnvironment;
  /** Endpoint name: `<env>-<workload>`; the model and the configuration add a content hash. */
  readonly name: string;
  readonly image: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly executionRoleArn: string;
  readonly tags: Record<string, string>;
}

/**
 * The SageMaker classes (1 MB of JavaScript), loaded on first use rather than at import, for
 * the same reason as the Kubernetes ones in kubernetes-workload.ts.
 */
function sageMakerClasses() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    SagemakerEndpoint: (require('@cdktf/provider-aws/lib/sagemaker-endpoint') as typeof import('@cdktf/provider-aws/lib/sagemaker-endpoint')).SagemakerEndpoint,
    SagemakerEndpointConfiguration: (require('@cdktf/provider-aws/lib/sagemaker-endpoint-configuration') as typeof import('@cdktf/provider-aws/lib/sagemaker-endpoint-configuration')).SagemakerEndpointConfiguration,
    SagemakerModel: (require('@cdktf/provider-aws/lib/sagemaker-model') as typeof import('@cdktf/provider-aws/lib/sagemaker-model')).SagemakerModel,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Where an endpoint's captured invocations land: its own prefix of the audit archive. */
export function dataCaptureUri(env: IGovernedEnvironment, endpointName: string): string {
  return `s3://${env.auditArchiveBucket}/sagemaker/${endpointName}`;
}

/** Characters of the content hash in model and endpoint configuration names. */
const CONTENT_HASH_LENGTH = 8;

/**
 * A name that changes with the content it names: `<name>-<first 8 hex of sha1(content)>`, computed
 * by Terraform so references (the execution role, the key) count too.
 */
function contentName(name: string, content: Record<string, unknown>): string {
  return `${name}-${Fn.substr(Fn.sha1(Fn.jsonencode(content)), 0, CONTENT_HASH_LENGTH)}`;
}

/**
 * A SageMaker real-time endpoint that stays private: the model runs with network isolation (no
 * outbound calls from the container) inside the environment's VPC, its storage and captured data
 * are encrypted with the environment key, and callers reach it only through the gateway.
 *
 * Updates take effect: SageMaker models and endpoint configurations cannot change in place, so both
 * are named from their content and created before the old ones are destroyed; a new image or
 * instance type makes a new configuration, and the endpoint (whose name never changes) is updated
 * to it, which SageMaker rolls out without downtime.
 */
export class PrivateModelEndpoint extends Construct {
  public readonly endpoint: SagemakerEndpoint;
  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly model: SagemakerModel;

  constructor(scope: Construct, id: string, props: PrivateModelEndpointProps) {
    super(scope, id);
    const { SagemakerEndpoint, SagemakerEndpointConfiguration, SagemakerModel } = sageMakerClasses();
    const env = props.environment;
    const problems = new ProblemCollector(this.node.path);
    checkDerivedName(problems, 'name', props.name, 'sageMaker', `${props.name}-${'0'.repeat(CONTENT_HASH_LENGTH)}`, 'SageMaker model and configuration name');
    problems.throwIfAny();
    const sg = new SecurityGroup(this, 'security-group', {
      name: `${props.name}-model`,
      description: `SageMaker model ${props.name}: no ingress, HTTPS to the VPC only`,
      vpcId: env.network.vpcId,
      egress: [{ description: 'HTTPS to the VPC endpoints', fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: Fn.formatlist('%s/32', [env.network.endpointIps]) }],
      ingress: [],
      revokeRulesOnDelete: true,
      tags: props.tags,
    });
    const modelSpec = {
      executionRoleArn: props.executionRoleArn,
      image: props.image,
      subnets: env.network.subnetIds,
      securityGroup: sg.id,
    };
    this.model = new SagemakerModel(this, 'model', {
      name: contentName(props.name, modelSpec),
      executionRoleArn: props.executionRoleArn,
      enableNetworkIsolation: true,
      primaryContainer: { image: props.image, mode: 'SingleModel' },
      vpcConfig: { subnets: env.network.subnetIds, securityGroupIds: [sg.id] },
      tags: props.tags,
      lifecycle: { createBeforeDestroy: true },
    });
    const config = new SagemakerEndpointConfiguration(this, 'config', {
      name: contentName(props.name, { model: this.model.name, instanceType: props.instanceType, instanceCount: props.instanceCount, kms: env.kmsKeyArn, archive: env.auditArchiveBucket }),
      lifecycle: { createBeforeDestroy: true },
      kmsKeyArn: env.kmsKeyArn,
      // Every request and response is captured into the object-locked audit archive: the
      // SageMaker form of model invocation logging.
      dataCaptureConfig: {
        enableCapture: true,
        initialSamplingPercentage: 100,
        destinationS3Uri: dataCaptureUri(env, props.name),
        kmsKeyId: env.kmsKeyArn,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      },
      productionVariants: [
        {
          variantName: 'primary',
          modelName: this.model.name,
          initialInstanceCount: props.instanceCount,
          instanceType: props.instanceType,
        },
      ],
      tags: props.tags,
    });
    this.endpoint = new SagemakerEndpoint(this, 'endpoint', {
      name: props.name,
      endpointConfigName: config.name,
      tags: props.tags,
    });
    this.endpointName = this.endpoint.name;
    this.endpointArn = this.endpoint.arn;
  }
}
