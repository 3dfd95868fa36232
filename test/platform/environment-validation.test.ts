import type { GovernedEnvironmentProps } from '../../constructs/platform/environment-props';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { envProps, OWNER, testStack } from '../support';

const build = (overrides: Partial<GovernedEnvironmentProps>) => () => new GovernedEnvironment(testStack(), 'env', envProps(overrides));

describe('GovernedEnvironment bad input', () => {
  test('fails when the owner is missing', () => {
    expect(build({ owner: undefined as any })).toThrow(/at 'test\/env'[\s\S]*owner: got nothing/);
  });
  test('fails when the approver is missing', () => {
    expect(build({ owner: { ...OWNER, approver: 'sam' } })).toThrow(/owner\.approver: got "sam"; allowed: an e-mail address of a named person/);
  });
  test('fails when the region is not allowed', () => {
    expect(build({ region: 'us-east-1' })).toThrow(/region: got "us-east-1"; allowed: one of allowedRegions \["eu-west-1"\]; fix: deploy to an allowed region, or add it to allowedRegions/);
  });
  test('fails when an allowed region is not a region name', () => {
    expect(build({ allowedRegions: ['eu-west-1', 'europe'] })).toThrow(/allowedRegions\[1\]: got "europe"; allowed: an AWS region name/);
  });
  test('fails when the secret rotation period is over 90 days', () => {
    expect(build({ secretRotationDays: 120 })).toThrow(/secretRotationDays: got 120; allowed: a whole number of days from 1 to 90; fix: rotate at least every 90 days/);
  });
  test('fails when log retention is below the floor outside prod', () => {
    expect(build({ logRetentionDays: 30 })).toThrow(/logRetentionDays: got 30; allowed: at least 90 days in this environment/);
  });
  test('fails when log retention is below the prod floor', () => {
    expect(build({ name: 'prod', tier: 'production', logRetentionDays: 180 })).toThrow(/logRetentionDays: got 180; allowed: at least 365 days in production/);
  });
  test('fails when log retention is not a CloudWatch value', () => {
    expect(build({ logRetentionDays: 100 })).toThrow(/logRetentionDays: got 100; allowed: one of CloudWatch's retention values 90, 120/);
  });
  test('fails when there are no subnets', () => {
    expect(build({ network: { vpcId: 'vpc-0abc12345678', privateSubnetIds: [] } })).toThrow(/network\.privateSubnetIds: got \[\]; allowed: at least one private subnet id/);
  });
  test('fails when the VPC id is malformed', () => {
    expect(build({ network: { vpcId: 'my-vpc', privateSubnetIds: ['subnet-0aaa11112222'] } })).toThrow(/network\.vpcId: got "my-vpc"; allowed: a VPC id like "vpc-0abc1234"/);
  });
  test('fails when no model is allowed', () => {
    expect(build({ allowedModels: [] })).toThrow(/allowedModels: got \[\]; allowed: at least one Bedrock model id/);
  });
  test('fails when an allowed model id is malformed', () => {
    expect(build({ allowedModels: ['Claude 3'] })).toThrow(/allowedModels\[0\]: got "Claude 3"; allowed: a Bedrock model id/);
  });
  test('fails when the environment name is too long', () => {
    expect(build({ name: 'production-europe-west' })).toThrow(/name: got "production-europe-west"; allowed: a lowercase slug of at most 16 characters/);
  });
  test('fails when the Kubernetes gateway has no pod labels', () => {
    expect(build({ kubernetes: { ...envProps().kubernetes!, gatewayPodLabels: {} } })).toThrow(/kubernetes\.gatewayPodLabels: got \{\}; allowed: at least one label/);
  });
  test('fails when the platform review-by has passed', () => {
    expect(build({ owner: { ...OWNER, reviewBy: '2025-01-01' } })).toThrow(/owner\.reviewBy: got "2025-01-01"; allowed: a date after today/);
  });
});
