import { Aspects, Fn, TerraformResource, TerraformStack } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { IGovernedEnvironment } from '../constructs/governance/environment';
import { TAG_KEYS } from '../constructs/governance/tags';
import { ProblemCollector } from '../constructs/governance/errors';
import { ContractEnvironment, type ContractOptions } from '../constructs/platform/environment-contract';
import { isRegion } from '../constructs/platform/environment-props';

export interface WorkloadStackProps {
  /** Environment to deploy into (the name its platform stack gave it, e.g. `dev`). */
  readonly environmentName: string;
  /** Region the stack deploys to: one of the environment's allowed regions. */
  readonly region: string;
  /**
   * How the environment's contract is read: the pinned copy (`file`, default `contracts/<env>.json`),
   * or, without one, the live SSM parameter with the platform stack in the same app.
   * @default - the pinned copy at `contracts/<env>.json` if it exists
   */
  readonly contract?: ContractOptions;
}

/**
 * A product team's stack in one environment: the AWS provider (with the environment tag as a
 * default tag), the environment read from its contract (pinned copy at synth, live parameter
 * re-checked at plan), and, when the stack has Kubernetes objects, a Kubernetes provider
 * authenticated to the environment's cluster with a short-lived token.
 *
 * @throws GovernanceValidationError when the region is not a region name, or not one of the
 * environment's allowed regions in its pinned contract (at plan, the live contract's)
 */
export class WorkloadStack extends TerraformStack {
  public readonly environment: IGovernedEnvironment;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id);
    const problems = new ProblemCollector(this.node.path);
    problems.check(isRegion(props.region), 'region', props.region, 'an AWS region name like "eu-west-1"', 'use the region the environment lives in');
    problems.throwIfAny();
    new AwsProvider(this, 'aws', { region: props.region, defaultTags: [{ tags: { [TAG_KEYS.environment]: props.environmentName } }] });
    const environment = new ContractEnvironment(this, 'environment', props.environmentName, props.contract);
    environment.requireRegion(props.region, this);
    this.environment = environment;
    // Added at synth, once every construct exists: a stack without Kubernetes objects needs no
    // cluster access and no kubernetes provider plugin.
    Aspects.of(this).add({ visit: (node: IConstruct) => node === this && this.configureKubernetesProvider() });
  }

  private configureKubernetesProvider(): void {
    const k8s = this.environment.kubernetes;
    if (!k8s || this.node.tryFindChild('kubernetes')) return;
    const usesKubernetes = this.node.findAll().some((c) => TerraformResource.isTerraformResource(c) && c.terraformResourceType.startsWith('kubernetes_'));
    if (!usesKubernetes) return;
    // Loaded only here: stacks without Kubernetes never pay for these modules.
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
