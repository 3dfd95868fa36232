import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentNetwork, GovernedEnvironmentProps } from '../constructs/platform/environment-props';
import { GovernedEnvironment } from '../constructs/platform/governed-environment';

export interface PlatformStackProps extends Omit<GovernedEnvironmentProps, 'network'> {
  /** The existing network, or a function that declares it in this stack (examples, sandboxes). */
  readonly network: EnvironmentNetwork | ((scope: Construct) => EnvironmentNetwork);
}

/**
 * One environment's platform stack: the AWS provider with the environment's governance tags as
 * default tags (so anything added by hand carries them too), and the GovernedEnvironment.
 */
export class PlatformStack extends TerraformStack {
  public readonly environment: GovernedEnvironment;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: props.region, defaultTags: [{ tags: GovernedEnvironment.defaultTags(props) }] });
    const network = typeof props.network === 'function' ? props.network(this) : props.network;
    this.environment = new GovernedEnvironment(this, 'environment', { ...props, network });
  }
}
