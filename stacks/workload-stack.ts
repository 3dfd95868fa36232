import { Fn, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { IGovernedEnvironment } from '../constructs/governance/environment';
import { TAG_KEYS } from '../constructs/governance/tags';
import { ProblemCollector } from '../constructs/governance/errors';
import type { ContractOptions } from '../constructs/platform/environment-contract';
import { isRegion } from '../constructs/platform/environment-props';
import { GovernedEnvironment } from '../constructs/platform/governed-environment';

export interface WorkloadStackProps {
  /** Environment to deploy into; its contract is read from SSM. */
  readonly environmentName: string;
  readonly region: string;
  readonly contract?: ContractOptions;
}

/**
 * A product team's stack in one environment: the AWS provider (with the environment tag as a
 * default tag), the environment read from its published contract, and, when the environment runs
 * Kubernetes, a Kubernetes provider authenticated to its cluster with a short-lived token.
 */
export class WorkloadStack extends TerraformStack {
  public readonly environment: IGovernedEnvironment;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id);
    const problems = new ProblemCollector(this.node.path);
    problems.check(isRegion(props.region), 'region', props.region, 'an AWS region name like "eu-west-1"', 'use the region the environment lives in');
    problems.throwIfAny();
    new AwsProvider(this, 'aws', { region: props.region, defaultTags: [{ tags: { [TAG_KEYS.environment]: props.environmentName } }] });
    this.environment = GovernedEnvironment.fromContract(this, 'environment', props.environmentName, { ...props.contract, region: props.region });
    const k8s = this.environment.kubernetes;
    if (k8s) {
      // Loaded only here: stacks without Kubernetes never pay for these modules at import.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { DataAwsEksCluster } = require('@cdktf/provider-aws/lib/data-aws-eks-cluster') as typeof import('@cdktf/provider-aws/lib/data-aws-eks-cluster');
      const { DataAwsEksClusterAuth } = require('@cdktf/provider-aws/lib/data-aws-eks-cluster-auth') as typeof import('@cdktf/provider-aws/lib/data-aws-eks-cluster-auth');
      const { KubernetesProvider } = require('@cdktf/provider-kubernetes/lib/provider') as typeof import('@cdktf/provider-kubernetes/lib/provider');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const cluster = new DataAwsEksCluster(this, 'eks-cluster', { name: k8s.clusterName });
      const auth = new DataAwsEksClusterAuth(this, 'eks-auth', { name: k8s.clusterName });
      new KubernetesProvider(this, 'kubernetes', {
        host: cluster.endpoint,
        clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
        token: auth.token,
      });
    }
  }
}
