/**
 * The IAM-enforced tier (issue 15): its own moto server with IAM enforcement on
 * (INITIAL_NO_AUTH_ACTION_COUNT), so nothing else of the e2e run sees moto's changed behaviour.
 *  1. An administrator (an IAM user with Allow * on *, created in moto's unauthenticated first calls)
 *     applies the platform stack, which creates the teams' deployment roles.
 *  2. The team's CI identity assumes its deployment role (AssumeRoleWithWebIdentity, as the GitHub
 *     workflow does) and applies the team's product stack from the examples with it.
 *  3. The same role is refused what the platform owns or another team owns: each denial is a named
 *     check, proven by moto where moto evaluates it, by @cloud-copilot/iam-simulate on the applied
 *     policies where moto does not (moto 5.2.1 ignores every Condition; see README.md here).
 *  4. A plan of the platform stack as the administrator shows no changes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { DEPLOYMENT_ROLES_OUTPUT } from '../../../constructs/platform/deployment-roles';
import { readStacks } from '../cdktf-out';
import { classifyChanges, type ResourceChange } from '../emulator-gaps';
import { freePort } from '../moto';
import { prepareStack, type PreparedStack } from '../scratch-stack';
import type { Tally } from '../tally';
import { cliConfig, runCommand, terraformEnv, type RunResult } from '../terraform-cli';

const HERE = __dirname;
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
/** The team whose product stack is applied: every workload of agents-dev is sre's. */
export const TIER_TEAM = 'sre';
export const TIER_PRODUCT_STACK = 'agents-dev';
export const TIER_PLATFORM_STACK = 'platform-dev';
/** Requests moto serves before it enforces IAM: create the administrator, its policy and its key. */
const BOOTSTRAP_CALLS = 3;

export interface Credentials {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN?: string;
}

export interface CallResult {
  ok: boolean;
  result?: Record<string, unknown>;
  code?: string;
  message?: string;
}

interface IamMoto {
  endpoint: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startIamMoto(logFile: string): Promise<IamMoto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, 'a');
  const child = spawn('python3', [path.join(HERE, 'moto_iam_server.py'), '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', log, log],
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(BOOTSTRAP_CALLS) },
  });
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    fs.closeSync(log);
  };
  const deadline = Date.now() + 30_000;
  // /moto-api/ is not an AWS action: it does not count against the unauthenticated calls.
  for (;;) {
    if (exited) throw new Error(`IAM-enforced moto ${exited} before it served (log: ${logFile})`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`IAM-enforced moto did not answer within 30 s (log: ${logFile})`);
    }
    await sleep(200);
  }
  const config = await fetch(`${endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: false } }) });
  if (!config.ok) throw new Error(`moto refused the Lambda configuration: HTTP ${config.status}`);
  return { endpoint, stop };
}

/** One API call through boto3 (moto's dependency), signed with `creds` (unsigned when undefined). */
export async function awsCall(endpoint: string, creds: Credentials | undefined, service: string, operation: string, params: object): Promise<CallResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, creds ?? { AWS_ACCESS_KEY_ID: 'unsigned', AWS_SECRET_ACCESS_KEY: 'unsigned' }, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: REGION, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
  const r = await runCommand('python3', [path.join(HERE, 'aws_call.py'), service, operation, JSON.stringify(params)], HERE, env);
  if (r.code !== 0) return { ok: false, code: 'HelperFailed', message: `${r.stdout}${r.stderr}`.trim().slice(-800) };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CallResult;
}

function tail(r: RunResult, lines = 30): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

class Workspace {
  constructor(
    readonly prepared: PreparedStack,
    private readonly baseEnv: NodeJS.ProcessEnv,
  ) {}
  tf(creds: Credentials, args: string[]): Promise<RunResult> {
    const env = { ...this.baseEnv, ...creds };
    if (!creds.AWS_SESSION_TOKEN) delete env.AWS_SESSION_TOKEN;
    return runCommand('terraform', [...args, '-no-color'], this.prepared.dir, env, path.join(this.prepared.dir, 'e2e.log'));
  }
  get targets(): string[] {
    return this.prepared.targets.map((a) => `-target=${a}`);
  }
}

/** Policy documents of the applied platform stack, by resource name (aws_iam_policy.name → JSON). */
function appliedPolicies(state: { values?: { root_module?: { resources?: Array<{ type: string; values: Record<string, unknown> }> } } }): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of state.values?.root_module?.resources ?? []) {
    if (r.type === 'aws_iam_policy') out.set(String(r.values.name), String(r.values.policy));
    if (r.type === 'aws_iam_role') out.set(`trust:${String(r.values.name)}`, String(r.values.assume_role_policy));
  }
  return out;
}

export async function runIamEnforcedTier(outdir: string, tally: Tally, mirror: string, keep: boolean): Promise<void> {
  console.log('\n== IAM-enforced tier (own moto, IAM enforced; scripts/e2e/iam-enforced/README.md)');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-e2e-iam-'));
  const moto = await startIamMoto(path.join(scratch, 'moto.log'));
  let failedBefore = tally.failed;
  try {
    const cliFile = path.join(scratch, 'terraform.rc');
    fs.writeFileSync(cliFile, cliConfig(mirror));
    const baseEnv = terraformEnv({ cliConfigFile: cliFile, awsEndpoint: moto.endpoint, scratch });
    const call = (creds: Credentials | undefined, service: string, op: string, params: object) => awsCall(moto.endpoint, creds, service, op, params);

    // 1. The administrator, in moto's unauthenticated first calls.
    const user = 'e2e-platform-admin';
    const bootstrap = [
      await call(undefined, 'iam', 'create_user', { UserName: user }),
      await call(undefined, 'iam', 'put_user_policy', { UserName: user, PolicyName: 'administrator', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }),
      await call(undefined, 'iam', 'create_access_key', { UserName: user }),
    ];
    if (!tally.check('iam-enforced: administrator created in moto\'s unauthenticated first calls', bootstrap.every((b) => b.ok), JSON.stringify(bootstrap))) return;
    const key = bootstrap[2].result!.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const admin: Credentials = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
    const enforced = await call({ AWS_ACCESS_KEY_ID: 'AKIAE2EUNKNOWN000000', AWS_SECRET_ACCESS_KEY: 'x' }, 'iam', 'list_roles', {});
    if (!tally.check('iam-enforced: moto enforces IAM now (unknown credentials are refused)', !enforced.ok, JSON.stringify(enforced), `${enforced.code}`)) return;

    const stacks = readStacks(outdir);
    const platformEntry = stacks.find((s) => s.name === TIER_PLATFORM_STACK);
    const productEntry = stacks.find((s) => s.name === TIER_PRODUCT_STACK);
    if (!platformEntry || !productEntry) {
      tally.fail('iam-enforced: stacks', `${TIER_PLATFORM_STACK} and ${TIER_PRODUCT_STACK} must be in the synthesized output`);
      return;
    }

    // 2. The platform stack, as the administrator.
    const platform = new Workspace(prepareStack(platformEntry.dir, path.join(scratch, TIER_PLATFORM_STACK)), baseEnv);
    for (const x of platform.prepared.standIns) console.log(`  stand-in in ${x.address}: ${x.reference} (${x.why})`);
    for (const l of platform.prepared.leftOut) console.log(`  left out of apply: ${l.address} (${l.reason})`);
    for (const [name, args] of [
      ['terraform init', ['init', '-input=false']],
      ['terraform apply as the administrator', ['apply', '-input=false', '-auto-approve', '-parallelism=10', ...platform.targets]],
    ] as const) {
      const r = await platform.tf(admin, [...args]);
      if (!tally.check(`iam-enforced: ${TIER_PLATFORM_STACK}: ${name}`, r.code === 0, tail(r), /Apply complete! .*/.exec(r.stdout)?.[0] ?? `${r.seconds.toFixed(1)} s`)) return;
    }
    const shown = await platform.tf(admin, ['show', '-json']);
    const policies = appliedPolicies(JSON.parse(shown.stdout));

    // 3. The team's CI identity assumes its deployment role, as the platform hands it over (the output deployment-roles).
    const outputs = await platform.tf(admin, ['output', '-json', DEPLOYMENT_ROLES_OUTPUT]);
    let roleArn: string | undefined;
    try {
      roleArn = (JSON.parse(outputs.stdout) as Record<string, string>)[TIER_TEAM];
    } catch {
      roleArn = undefined;
    }
    if (!tally.check(`iam-enforced: the platform stack's output ${DEPLOYMENT_ROLES_OUTPUT} hands over ${TIER_TEAM}'s deployment role`, typeof roleArn === 'string' && roleArn.includes('role/governed-deploy/dev/'), tail(outputs), roleArn)) return;
    const session = await call(undefined, 'sts', 'assume_role_with_web_identity', { RoleArn: roleArn, RoleSessionName: 'e2e-github-actions', WebIdentityToken: 'e2e.web-identity.token' });
    if (!tally.check(`iam-enforced: ${TIER_TEAM}'s CI identity assumes its deployment role (AssumeRoleWithWebIdentity)`, session.ok, JSON.stringify(session))) return;
    const c = session.result!.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const team: Credentials = { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken };

    // 4. The team's product stack, applied with the team's role.
    const product = new Workspace(prepareStack(productEntry.dir, path.join(scratch, TIER_PRODUCT_STACK)), baseEnv);
    for (const l of product.prepared.leftOut) console.log(`  left out of apply: ${l.address} (${l.reason})`);
    const init = await product.tf(team, ['init', '-input=false']);
    if (!tally.check(`iam-enforced: ${TIER_PRODUCT_STACK}: terraform init`, init.code === 0, tail(init))) return;
    const apply = await product.tf(team, ['apply', '-input=false', '-auto-approve', '-parallelism=10', ...product.targets]);
    if (!tally.check(`iam-enforced: ${TIER_PRODUCT_STACK} applied with ${TIER_TEAM}'s deployment role`, apply.code === 0, tail(apply, 60), /Apply complete! .*/.exec(apply.stdout)?.[0] ?? '')) return;
    const replan = await product.tf(team, ['plan', '-input=false', '-detailed-exitcode', '-parallelism=10', ...product.targets]);
    tally.check(`iam-enforced: ${TIER_PRODUCT_STACK}: second plan with the team's role reports no changes`, replan.code === 0, tail(replan));

    // 5. Denials moto evaluates (actions, and resources of the operations moto_iam_server.py names).
    await motoDenials(call, admin, team, tally);

    // 6. Denials that rest on condition keys: iam-simulate on the applied policies.
    await simulatedRows(policies, tally);

    // 7. Nothing the platform owns changed.
    const platformPlan = await platform.tf(admin, ['plan', '-input=false', '-detailed-exitcode', '-parallelism=10', '-out=after.tfplan', ...platform.targets]);
    let real: string[] = [];
    if (platformPlan.code === 2) {
      const show = await platform.tf(admin, ['show', '-json', 'after.tfplan']);
      const changes = (JSON.parse(show.stdout) as { resource_changes?: ResourceChange[] }).resource_changes ?? [];
      const verdicts = classifyChanges(changes);
      for (const v of verdicts.filter((x) => x.tolerated)) console.log(`  emulator echo gap tolerated: ${v.address} ${v.attributes.join(', ')} (${v.tolerated})`);
      real = verdicts.filter((v) => !v.tolerated).map((v) => `${v.address}: ${v.actions.join('/')} ${v.attributes.join(', ')}`);
    }
    tally.check(
      `iam-enforced: ${TIER_PLATFORM_STACK}: plan after the product apply shows no changes (nothing the platform owns changed)`,
      platformPlan.code === 0 || (platformPlan.code === 2 && real.length === 0),
      `${real.join('\n')}\n${tail(platformPlan)}`,
    );
    failedBefore = tally.failed - failedBefore;
  } finally {
    await moto.stop();
    if (!keep && tally.failed === 0) fs.rmSync(scratch, { recursive: true, force: true });
    else console.log(`  IAM-enforced tier logs kept in ${scratch}`);
  }
}

type Call = (creds: Credentials | undefined, service: string, op: string, params: object) => Promise<CallResult>;

const TAGS = (owner: string, workload: string) => [
  { Key: 'governance:owner', Value: owner },
  { Key: 'governance:environment', Value: 'dev' },
  { Key: 'governance:workload', Value: workload },
];
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/governed/dev/dev-euw1-workload-boundary`;

/** Calls the team's role must be refused, each checked against moto's answer. */
async function motoDenials(call: Call, admin: Credentials, team: Credentials, tally: Tally): Promise<void> {
  // Another team's secret, as customer-support's own stack would have created it.
  const other = await call(admin, 'secretsmanager', 'create_secret', { Name: 'governed/dev/support-chat/gateway-api-key-e2e', Tags: TAGS('customer-support', 'support-chat') });
  if (!tally.check('iam-enforced: another team\'s secret set up by the administrator', other.ok, JSON.stringify(other))) return;
  const otherArn = String(other.result!.ARN);
  const denials: Array<{ name: string; service: string; op: string; params: object; action: string }> = [
    {
      name: 'a role under another path (/governed-platform/dev/)',
      service: 'iam', op: 'create_role', action: 'iam:CreateRole',
      params: { RoleName: 'dev-euw1-incident-triage', Path: '/governed-platform/dev/', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: BOUNDARY, Tags: TAGS('sre', 'incident-triage') },
    },
    {
      name: 'a role with another team\'s workload name (dev-euw1-support-chat)',
      service: 'iam', op: 'create_role', action: 'iam:CreateRole',
      params: { RoleName: 'dev-euw1-support-chat', Path: '/governed/dev/', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: BOUNDARY, Tags: TAGS('sre', 'support-chat') },
    },
    { name: 'removing a boundary (its own role)', service: 'iam', op: 'delete_role_permissions_boundary', action: 'iam:DeleteRolePermissionsBoundary', params: { RoleName: 'dev-euw1-incident-triage' } },
    { name: 'changing a boundary (its own role)', service: 'iam', op: 'put_role_permissions_boundary', action: 'iam:PutRolePermissionsBoundary', params: { RoleName: 'dev-euw1-incident-triage', PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/governed/dev/integration/dev-euw1-integration-boundary` } },
    { name: 'writing the contract parameter', service: 'ssm', op: 'put_parameter', action: 'ssm:PutParameter', params: { Name: '/governance/dev/contract', Value: '{}', Type: 'String', Overwrite: true } },
    { name: 'deleting the contract parameter', service: 'ssm', op: 'delete_parameter', action: 'ssm:DeleteParameter', params: { Name: '/governance/dev/contract' } },
    { name: 'writing a policy into a platform role', service: 'iam', op: 'put_role_policy', action: 'iam:PutRolePolicy', params: { RoleName: 'dev-euw1-platform-rotation', PolicyName: 'e2e', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/*' }] }) } },
    { name: 'writing a policy into its own deployment role', service: 'iam', op: 'put_role_policy', action: 'iam:PutRolePolicy', params: { RoleName: 'dev-euw1-platform-deploy-sre', PolicyName: 'e2e', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*' }] }) } },
    { name: 'a new version of the workload boundary', service: 'iam', op: 'create_policy_version', action: 'iam:CreatePolicyVersion', params: { PolicyArn: BOUNDARY, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::x/*' }] }), SetAsDefault: true } },
    { name: 'a secret under another team\'s workload name', service: 'secretsmanager', op: 'create_secret', action: 'secretsmanager:CreateSecret', params: { Name: 'governed/dev/support-chat/e2e-stolen', Tags: TAGS('sre', 'support-chat') } },
    { name: 'writing an audit log group\'s retention', service: 'logs', op: 'put_retention_policy', action: 'logs:PutRetentionPolicy', params: { logGroupName: '/governed/dev/audit/gateway-access', retentionInDays: 1 } },
    { name: 'deleting an audit log group', service: 'logs', op: 'delete_log_group', action: 'logs:DeleteLogGroup', params: { logGroupName: '/governed/dev/gateway/decisions' } },
    { name: 'the environment key\'s policy', service: 'kms', op: 'list_keys', action: 'kms:ListKeys (no KMS administration at all)', params: {} },
    // Integration identities act for workloads at the gateway only (trusted by the gateway function role).
    { name: 'assuming its own integration identity', service: 'sts', op: 'assume_role', action: 'sts:AssumeRole', params: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/governed/dev/integration/dev-euw1-incident-triage-gw`, RoleSessionName: 'e2e' } },
    { name: 'assuming the gateway function role', service: 'sts', op: 'assume_role', action: 'sts:AssumeRole', params: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/governed-platform/dev/dev-euw1-platform-gateway`, RoleSessionName: 'e2e' } },
  ];
  for (const d of denials) {
    const r = await call(team, d.service, d.op, d.params);
    // An authorization refusal only: a signature or credential error would be a broken test, not a denial.
    const text = `${r.code} ${r.message}`;
    const denied = !r.ok && /AccessDenied|not authorized/i.test(text) && !/SignatureDoesNotMatch|InvalidClientTokenId|ExpiredToken/i.test(text);
    tally.check(`iam-enforced: denied on moto: ${d.name} (${d.action})`, denied, JSON.stringify(r).slice(0, 600), denied ? (/AccessDenied/.test(text) ? 'AccessDenied' : 'not authorized') : undefined);
  }
  // Recorded, not checked: what moto does with calls whose denial rests on a condition key.
  for (const [what, service, op, params] of [
    ['a role without the boundary', 'iam', 'create_role', { RoleName: 'dev-euw1-triage-prototype-bedrock', Path: '/governed/dev/', AssumeRolePolicyDocument: TRUST, Tags: TAGS('sre', 'triage-prototype') }],
    ['changing another team\'s secret', 'secretsmanager', 'update_secret', { SecretId: otherArn, Description: 'changed by sre' }],
    ['an untagged route entry', 'ssm', 'put_parameter', { Name: '/governance/dev/routes/incident-triage', Value: '{}', Type: 'String' }],
    ['rewriting the trust of another team\'s integration identity (a Deny with NotResource)', 'iam', 'update_assume_role_policy', { RoleName: 'dev-euw1-support-chat-gw', PolicyDocument: TRUST }],
  ] as const) {
    const r = await call(team, service, op, params);
    console.log(`  moto on ${what}: ${r.ok ? 'allowed (moto 5.2.1 does not evaluate it: proven by iam-simulate below)' : `${r.code} (${String(r.message).slice(0, 120)})`}`);
  }
}

interface SimRow {
  name: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  expected: 'Allowed' | 'Denied';
  /** The resource's own policy: for sts:AssumeRole, the role's trust policy. */
  resourcePolicy?: object;
}

/** The team role's applied policies (identity and boundary) evaluated by iam-simulate for condition-key cases. */
async function simulatedRows(policies: Map<string, string>, tally: Tally): Promise<void> {
  const prefix = `dev-euw1-platform-deploy-${TIER_TEAM}`;
  const identity = ['identities', 'creation', 'lifecycle', 'operations'].map((c) => policies.get(`${prefix}-${c}`));
  const fences = policies.get('dev-euw1-platform-deploy-fences');
  const boundary = policies.get('dev-euw1-platform-deployer-boundary');
  if (!tally.check('iam-simulate: the applied deployment policies of the team are in the platform state', identity.every(Boolean) && !!fences && !!boundary, [...policies.keys()].join(', '))) return;
  const role = (name: string, p = '/governed/dev/') => `arn:aws:iam::${ACCOUNT}:role${p}${name}`;
  const wb = `arn:aws:iam::${ACCOUNT}:policy/governed/dev/dev-euw1-workload-boundary`;
  const ib = `arn:aws:iam::${ACCOUNT}:policy/governed/dev/integration/dev-euw1-integration-boundary`;
  const tags = (owner: string, workload: string) => ({ 'aws:RequestTag/governance:owner': owner, 'aws:RequestTag/governance:environment': 'dev', 'aws:RequestTag/governance:workload': workload, 'aws:TagKeys': ['governance:owner', 'governance:environment', 'governance:workload'] });
  const secret = (w: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:governed/dev/${w}/gateway-api-key-20261130-AbCdEf`;
  const rows: SimRow[] = [
    { name: 'own workload role with the workload boundary and the governance tags', action: 'iam:CreateRole', resource: role('dev-euw1-incident-triage'), context: { 'iam:PermissionsBoundary': wb, ...tags('sre', 'incident-triage') }, expected: 'Allowed' },
    { name: 'a role without the boundary', action: 'iam:CreateRole', resource: role('dev-euw1-incident-triage'), context: tags('sre', 'incident-triage'), expected: 'Denied' },
    { name: 'a workload role with the integration boundary (the wrong one)', action: 'iam:CreateRole', resource: role('dev-euw1-incident-triage'), context: { 'iam:PermissionsBoundary': ib, ...tags('sre', 'incident-triage') }, expected: 'Denied' },
    { name: 'an untagged role', action: 'iam:CreateRole', resource: role('dev-euw1-incident-triage'), context: { 'iam:PermissionsBoundary': wb }, expected: 'Denied' },
    { name: 'a role tagged with another team as owner', action: 'iam:CreateRole', resource: role('dev-euw1-incident-triage'), context: { 'iam:PermissionsBoundary': wb, ...tags('customer-support', 'incident-triage') }, expected: 'Denied' },
    { name: 'an untagged route entry', action: 'ssm:PutParameter', resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/governance/dev/routes/incident-triage`, context: {}, expected: 'Denied' },
    { name: 'an untagged log group', action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/governed/dev/incident-triage`, context: {}, expected: 'Denied' },
    { name: 'a secret encrypted with another key', action: 'secretsmanager:CreateSecret', resource: secret('incident-triage'), context: { ...tags('sre', 'incident-triage'), 'secretsmanager:KmsKeyArn': `arn:aws:kms:${REGION}:${ACCOUNT}:key/other` }, expected: 'Denied' },
    { name: 'changing its own secret', action: 'secretsmanager:UpdateSecret', resource: secret('incident-triage'), context: { 'aws:ResourceTag/governance:owner': 'sre' }, expected: 'Allowed' },
    { name: 'changing another team\'s secret', action: 'secretsmanager:UpdateSecret', resource: secret('support-chat'), context: { 'aws:ResourceTag/governance:owner': 'customer-support' }, expected: 'Denied' },
    { name: 'deleting another team\'s secret', action: 'secretsmanager:DeleteSecret', resource: secret('support-chat'), context: { 'aws:ResourceTag/governance:owner': 'customer-support' }, expected: 'Denied' },
    { name: 're-tagging its own secret to another team', action: 'secretsmanager:TagResource', resource: secret('incident-triage'), context: { 'aws:ResourceTag/governance:owner': 'sre', 'aws:RequestTag/governance:owner': 'customer-support', 'aws:TagKeys': ['governance:owner'] }, expected: 'Denied' },
    { name: 'removing the owner tag of its own role', action: 'iam:UntagRole', resource: role('dev-euw1-incident-triage'), context: { 'aws:ResourceTag/governance:owner': 'sre', 'aws:TagKeys': ['governance:owner'] }, expected: 'Denied' },
    { name: 'changing another team\'s role policy', action: 'iam:PutRolePolicy', resource: role('dev-euw1-support-chat-gw', '/governed/dev/integration/'), context: { 'iam:PermissionsBoundary': ib, 'aws:ResourceTag/governance:owner': 'customer-support' }, expected: 'Denied' },
    { name: 'passing its own role to Lambda', action: 'iam:PassRole', resource: role('dev-euw1-incident-triage'), context: { 'iam:PassedToService': 'lambda.amazonaws.com', 'aws:ResourceTag/governance:owner': 'sre' }, expected: 'Denied' },
    { name: 'passing its own role to EKS Pod Identity', action: 'iam:PassRole', resource: role('dev-euw1-incident-triage'), context: { 'iam:PassedToService': 'pods.eks.amazonaws.com', 'aws:ResourceTag/governance:owner': 'sre' }, expected: 'Allowed' },
    { name: 'rewriting the trust of its own integration identity (with the integration boundary)', action: 'iam:UpdateAssumeRolePolicy', resource: role('dev-euw1-incident-triage-gw', '/governed/dev/integration/'), context: { 'iam:PermissionsBoundary': ib, 'aws:ResourceTag/governance:owner': 'sre' }, expected: 'Allowed' },
    { name: 'rewriting the trust of another team\'s integration identity, even one mis-tagged with this team', action: 'iam:UpdateAssumeRolePolicy', resource: role('dev-euw1-support-chat-gw', '/governed/dev/integration/'), context: { 'iam:PermissionsBoundary': ib, 'aws:ResourceTag/governance:owner': 'sre' }, expected: 'Denied' },
    { name: 'passing its own integration identity to SageMaker', action: 'iam:PassRole', resource: role('dev-euw1-incident-triage-gw', '/governed/dev/integration/'), context: { 'iam:PassedToService': 'sagemaker.amazonaws.com', 'aws:ResourceTag/governance:owner': 'sre' }, expected: 'Denied' },
    {
      name: 'assuming its own integration identity after rewriting its trust to name the deployment role',
      action: 'sts:AssumeRole',
      resource: role('dev-euw1-incident-triage-gw', '/governed/dev/integration/'),
      context: {},
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/governed-deploy/dev/${prefix}` }, Action: 'sts:AssumeRole' }] },
      expected: 'Denied',
    },
    { name: 'a public secret policy', action: 'secretsmanager:PutResourcePolicy', resource: secret('incident-triage'), context: { 'aws:ResourceTag/governance:owner': 'sre', 'secretsmanager:BlockPublicPolicy': 'false' }, expected: 'Denied' },
  ];
  for (const row of rows) {
    const result = await runSimulation(
      {
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/dev-euw1-platform-deploy-${TIER_TEAM}/e2e`,
          action: row.action,
          resource: { resource: row.resource, accountId: ACCOUNT },
          contextVariables: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/governed-deploy/dev/${prefix}`, 'aws:PrincipalAccount': ACCOUNT, 'aws:RequestedRegion': REGION, ...row.context },
        },
        identityPolicies: [...identity, fences].map((p, i) => ({ name: `p${i}`, policy: JSON.parse(p!) as object })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        permissionBoundaryPolicies: [{ name: 'deployer-boundary', policy: JSON.parse(boundary!) as object }],
        resourcePolicy: row.resourcePolicy,
      },
      {},
    );
    const decision = result.resultType === 'error' ? `error ${JSON.stringify(result.errors)}` : result.overallResult;
    tally.check(`iam-simulate: ${row.expected === 'Allowed' ? 'allowed' : 'denied'}: ${row.name} (${row.action})`, decision === row.expected || (row.expected === 'Denied' && /Denied/.test(decision)), `got ${decision}`);
  }
}
