/**
 * Benchmark of the rule engine (not a test: timings on a shared 2-core machine are noisy, so no
 * test asserts them). Run:  npx ts-node --transpile-only test/governance/bench-rules.ts
 *
 * 1. 10,000 resources: a synthetic stack with the mix a large platform has (roles with inline and
 *    attached policies, policy documents, secrets with rotations, buckets with their companions,
 *    log groups, keys, endpoints, API methods), parsed from synth JSON and evaluated with the full
 *    pack; the median of 7 runs after 2 warm-ups. Target: under 200 ms.
 * 2. The examples: synth with the plain App vs the time the rules take inside GovernedApp.synth.
 *    Target: rules under 5 % of synth time.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { evaluateApp } from '../../constructs/policy-engine/rule-engine';
import { GOVERNANCE_RULES } from '../../constructs/policy-engine/rules';
import { fromSynthJson } from '../../constructs/policy-engine/terraform-json';
import { policy, synthJson } from './fixtures';

function largeStack(resourceCount: number): Record<string, unknown> {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  const data: Record<string, Record<string, Record<string, unknown>>> = { aws_iam_policy_document: {} };
  const add = (type: string, name: string, config: Record<string, unknown>) => {
    (resource[type] ??= {})[name] = config;
  };
  let n = 0;
  for (let i = 0; n < resourceCount; i++) {
    const trust = policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } });
    add('aws_iam_role', `role${i}`, { name: `r${i}`, path: '/governed/dev/', assume_role_policy: trust, permissions_boundary: 'arn:b', inline_policy: [{ name: 'i', policy: policy({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: `arn:l${i}` }) }] });
    add('aws_iam_role_policy', `model${i}`, { role: `\${aws_iam_role.role${i}.name}`, policy: policy({ Sid: 'ModelAccess', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:m', Condition: { StringEquals: { 'bedrock:GuardrailIdentifier': 'g:1' } } }) });
    data.aws_iam_policy_document[`doc${i}`] = { statement: [{ sid: 'ToolAccess', actions: ['execute-api:Invoke'], resources: [`arn:g/${i}`] }] };
    add('aws_iam_role_policy', `tool${i}`, { role: `\${aws_iam_role.role${i}.name}`, policy: `\${data.aws_iam_policy_document.doc${i}.json}` });
    add('aws_kms_key', `key${i}`, { enable_key_rotation: true });
    add('aws_secretsmanager_secret', `secret${i}`, { name: `s${i}`, kms_key_id: `\${aws_kms_key.key${i}.arn}` });
    add('aws_secretsmanager_secret_rotation', `rotation${i}`, { secret_id: `\${aws_secretsmanager_secret.secret${i}.id}`, rotation_rules: { automatically_after_days: 30 } });
    add('aws_cloudwatch_log_group', `logs${i}`, { name: `/l/${i}`, kms_key_id: `\${aws_kms_key.key${i}.arn}`, retention_in_days: 90 });
    add('aws_s3_bucket', `bucket${i}`, { bucket: `b${i}` });
    add('aws_s3_bucket_public_access_block', `pab${i}`, { bucket: `\${aws_s3_bucket.bucket${i}.id}`, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    add('aws_s3_bucket_versioning', `versioning${i}`, { bucket: `\${aws_s3_bucket.bucket${i}.id}`, versioning_configuration: { status: 'Enabled' } });
    add('aws_s3_bucket_server_side_encryption_configuration', `sse${i}`, { bucket: `\${aws_s3_bucket.bucket${i}.id}`, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:k' } }] });
    add('aws_s3_bucket_policy', `bp${i}`, { bucket: `\${aws_s3_bucket.bucket${i}.id}`, policy: policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) });
    add('aws_api_gateway_method', `method${i}`, { http_method: 'ANY', authorization: 'AWS_IAM' });
    add('aws_vpc_endpoint', `endpoint${i}`, { vpc_endpoint_type: 'Interface', private_dns_enabled: true, policy: '{}' });
    n += 15;
  }
  return synthJson({ resource, data });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function benchLarge(): void {
  const json = largeStack(10_000);
  const text = JSON.stringify(json);
  const runs: { parse: number; model: number; rules: number; cpu: number }[] = [];
  let count = 0;
  let errors = 0;
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    const parsed = JSON.parse(text);
    const t1 = performance.now();
    const model = fromSynthJson(parsed);
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    const [evaluation] = evaluateApp([model], GOVERNANCE_RULES, { now: new Date('2026-11-22') });
    const c3 = process.cpuUsage(c2);
    const t3 = performance.now();
    if (i >= 2) runs.push({ parse: t1 - t0, model: t2 - t1, rules: t3 - t2, cpu: (c3.user + c3.system) / 1000 });
    count = model.resources.length;
    errors = evaluation.errors.length;
  }
  console.log(
    `10k: ${count} resources (incl. data sources), ${errors} errors; median JSON.parse ${median(runs.map((r) => r.parse)).toFixed(1)} ms, ` +
      `model ${median(runs.map((r) => r.model)).toFixed(1)} ms, rules ${median(runs.map((r) => r.rules)).toFixed(1)} ms, ` +
      `model+rules ${median(runs.map((r) => r.model + r.rules)).toFixed(1)} ms (wall); rules CPU time ${median(runs.map((r) => r.cpu)).toFixed(1)} ms; ` +
      `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
  );
}

function benchExamples(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { GovernedApp } = require('../../constructs/policy-engine/governed-app') as typeof import('../../constructs/policy-engine/governed-app');
  const { platformApp } = require('../../examples/platform-app');
  const { productApp } = require('../../examples/product-app');
  const { incidentTriageApp } = require('../../examples/incident-triage-agent');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const shares: number[] = [];
  const totals: number[] = [];
  const checks: number[] = [];
  for (let i = 0; i < 6; i++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    const t0 = performance.now();
    const app = new GovernedApp({ outdir, warn: () => undefined });
    const platform = platformApp(app);
    productApp(app).addDependency(platform.dev);
    incidentTriageApp(app).addDependency(platform.dev);
    try {
      app.synth();
    } catch (e) {
      // An error finding still ran every rule and wrote every report: the cost is the same.
      if ((e as Error).name !== 'GovernanceCheckFailed') throw e;
    }
    const total = performance.now() - t0;
    fs.rmSync(outdir, { recursive: true, force: true });
    if (i === 0) continue; // warm-up
    totals.push(total);
    checks.push(app.governanceMs);
    shares.push((100 * app.governanceMs) / total);
  }
  console.log(
    `examples (4 stacks): construct + synth median ${median(totals).toFixed(0)} ms, of which rules and reports ${median(checks).toFixed(1)} ms ` +
      `= ${median(shares).toFixed(2)} % (median of 5; process start and module loading, ~10 s with ts-node, not counted)`,
  );
}

benchLarge();
benchExamples();
