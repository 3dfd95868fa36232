import { Construct } from 'constructs';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import type { EnvironmentNetwork } from '../constructs/platform/environment-props';

/**
 * A stand-in for the network a platform team already has: a VPC with DNS on (private DNS of the
 * interface endpoints needs it) and two private subnets, no internet gateway. Real environments
 * pass their existing VPC and subnet ids instead.
 */
export function exampleNetwork(scope: Construct, cidr: string, region: string): EnvironmentNetwork {
  const vpc = new Vpc(scope, 'example-vpc', { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: 'governed-example' } });
  const [a, b] = [0, 1].map(
    (i) =>
      new Subnet(scope, `example-private-${i}`, {
        vpcId: vpc.id,
        cidrBlock: cidr.replace(/\.0\.0\/16$/, `.${i * 16}.0/20`),
        availabilityZone: `${region}${'ab'[i]}`,
        mapPublicIpOnLaunch: false,
        tags: { Name: `governed-example-private-${i}` },
      }),
  );
  return { vpcId: vpc.id, privateSubnetIds: [a.id, b.id] };
}
