import * as fs from 'fs';
import { contractRevision } from '../constructs/platform/contract-revision';
import { ENVIRONMENT_CONTRACT } from '../constructs/platform/contract-schema';
const file = 'test/fixtures/contracts/dev.json';
const old = JSON.parse(fs.readFileSync(file, 'utf8'));
const acct = old.accountId;
const r = old.region;
const api = old.gateway.restApiId;
const body: Record<string, unknown> = {
  ...old,
  version: 2,
  integrationBoundaryArn: `arn:aws:iam::${acct}:policy/governed/dev/integration/dev-euw1-integration-boundary`,
  permissionBoundaryArn: `arn:aws:iam::${acct}:policy/governed/dev/dev-euw1-workload-boundary`,
  allowedToolTargets: {
    credentialSecrets: [`arn:aws:secretsmanager:${r}:${acct}:secret:ticketing/*`],
    credentialKeys: [],
    functions: [`arn:aws:lambda:${r}:${acct}:function:runbook-*`],
  },
  iamNamePrefix: 'dev-euw1-',
  integrationRolePath: '/governed/dev/integration/',
  rotationFunctionArn: `arn:aws:lambda:${r}:${acct}:function:governed-dev-secret-rotation`,
  rotationRoleArn: `arn:aws:iam::${acct}:role/governed-platform/dev/dev-euw1-platform-rotation`,
  deployerRoleArns: [`arn:aws:iam::${acct}:role/platform-ci`],
  network: { ...old.network, endpointIps: ['10.20.3.17', '10.20.19.204', '10.20.5.9', '10.20.21.33', '10.20.7.41', '10.20.23.18', '10.20.9.76', '10.20.25.90', '10.20.11.12', '10.20.27.65', '10.20.13.5', '10.20.29.150', '10.20.14.201', '10.20.30.77'] },
  vpcEndpoints: { executeApi: old.vpcEndpoints.executeApi },
  gateway: {
    restApiId: api,
    executionArn: old.gateway.executionArn,
    stageName: 'v1',
    invokeUrl: `https://${api}.execute-api.${r}.amazonaws.com/v1`,
    functionRoleArn: `arn:aws:iam::${acct}:role/governed-platform/dev/dev-euw1-platform-gateway`,
    usagePlanIds: { interactive: 'up4int2', standard: 'up4std1' },
    accessLogGroupArn: old.gateway.accessLogGroupArn,
    routeParameterPrefix: '/governance/dev/routes/',
    agentParameterPrefix: '/governance/dev/agents/',
  },
  quotaTiers: { interactive: { burst: 40, monthlyRequests: 2000000, ratePerSecond: 20 }, standard: { burst: 20, monthlyRequests: 1000000, ratePerSecond: 10 } },
  agentPolicyStore: { arn: `arn:aws:verifiedpermissions::${acct}:policy-store/PSe2estandin0001`, policyStoreId: 'PSe2estandin0001' },
  approvers: {
    'incident-commander@example.com': `arn:aws:kms:${r}:${acct}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
    'sre-lead@example.com': `arn:aws:kms:${r}:${acct}:key/1c2d3e4f-5061-7283-94a5-b6c7d8e9f0a1`,
  },
};
delete body.revision;
const revision = contractRevision(body);
const contract = { ...body, revision };
const parsed = ENVIRONMENT_CONTRACT.safeParse(contract);
if (!parsed.success) { console.error(JSON.stringify(parsed.error.issues, null, 2)); process.exit(1); }
const sorted = (v: unknown): unknown => Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
fs.writeFileSync(file, JSON.stringify(sorted(contract), null, 2) + '\n');
console.log('wrote', file, revision);
