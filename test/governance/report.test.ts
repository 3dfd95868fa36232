import { buildReport, GovernanceReport, reportMarkdown } from '../../constructs/policy-engine/report';
import { evaluateStack } from '../../constructs/policy-engine/rule-engine';
import { GOVERNANCE_RULES } from '../../constructs/policy-engine/rules';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { GOVERNANCE_TAGS, NOW, policy, synthStack } from './fixtures';

// A workload identity's runtime (WorkloadIdentityTrust): a SageMaker endpoint pinned by source account and ARN.
const TRUST = policy({ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' }, ArnEquals: { 'aws:SourceArn': 'arn:aws:sagemaker:eu-west-1:1:endpoint/chat-dev' } } });

function reportOf(): GovernanceReport {
  const stack = synthStack({
    exceptions: [
      { ruleId: 'LogGroupEncryptedAndRetained', reason: 'legacy log group migrated next sprint', approver: 'sec', expires: '2027-01-01', ticket: 'SEC-7', constructPath: 'test-stack/legacy' },
    ],
    resource: {
      aws_iam_role: { role: { name: 'chat-dev', path: '/governed/dev/', assume_role_policy: TRUST, permissions_boundary: 'arn:b', max_session_duration: 1800 } },
      aws_iam_role_policy: {
        model: { role: '${aws_iam_role.role.name}', policy: policy({ Sid: 'ModelAccess', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:route' }) },
      },
      aws_secretsmanager_secret: { secret: { name: 'chat-dev/api-key', kms_key_id: 'arn:key' } },
      aws_secretsmanager_secret_rotation: { rotation: { secret_id: '${aws_secretsmanager_secret.secret.id}', rotation_rules: { automatically_after_days: 30 } } },
      aws_vpc_endpoint: { bedrock: { service_name: 'com.amazonaws.eu-west-1.bedrock-runtime', vpc_endpoint_type: 'Interface', private_dns_enabled: true, policy: '{}' } },
      aws_api_gateway_method: { any: { http_method: 'ANY', authorization: 'AWS_IAM', api_key_required: true } },
      aws_api_gateway_usage_plan: { plan: { name: 'chat-dev', throttle_settings: { burst_limit: 10, rate_limit: 5 }, quota_settings: { limit: 1000, period: 'DAY' } } },
      aws_cloudwatch_log_group: { audit: { name: '/governed/dev/audit', retention_in_days: 365, kms_key_id: 'arn:key' }, legacy: { name: '/legacy' } },
      aws_bedrock_guardrail: { g: { name: 'baseline', blocked_input_messaging: 'blocked' } },
      aws_budgets_budget: { b: { name: 'chat-dev', limit_amount: '100', limit_unit: 'USD', time_unit: 'MONTHLY', budget_type: 'COST' } },
      aws_iam_access_key: { key: { user: 'bot' } },
    },
  });
  return buildReport(stack, evaluateStack(stack, GOVERNANCE_RULES, { now: NOW }), GOVERNANCE_RULES, NOW);
}

describe('governance report', () => {
  const report = reportOf();
  test('schemaVersion, stack, input and generatedAt', () => {
    expect([report.schemaVersion, report.stack, report.input, report.generatedAt]).toEqual([2, 'test-stack', 'synth', '2026-11-22T12:00:00.000Z']);
  });
  test('summary counts the failing access key', () => {
    expect(report.summary).toEqual({ resources: 12, errors: 1, warnings: 0, excepted: 1, passed: false });
  });
  test('workloads carry owner, accountable, approver, revoker and review-by from the tags', () => {
    expect(report.workloads).toEqual([
      {
        workload: GOVERNANCE_TAGS[TAG_KEYS.workload],
        environment: GOVERNANCE_TAGS[TAG_KEYS.environment],
        owner: GOVERNANCE_TAGS[TAG_KEYS.owner],
        accountable: GOVERNANCE_TAGS[TAG_KEYS.accountable],
        approver: GOVERNANCE_TAGS[TAG_KEYS.approver],
        revoker: GOVERNANCE_TAGS[TAG_KEYS.revoker],
        reviewBy: '2027-02-01',
        dataClassification: GOVERNANCE_TAGS[TAG_KEYS.dataClassification],
        kind: '',
        tenants: [],
        revoked: false,
        resources: 8,
      },
    ]);
  });
  test('identities list trust, session, boundary and effective permissions (actions by resources)', () => {
    expect(report.identities).toEqual([
      {
        address: 'aws_iam_role.role',
        constructPath: 'test-stack/role',
        name: 'chat-dev',
        path: '/governed/dev/',
        maxSessionSeconds: 1800,
        permissionsBoundary: 'arn:b',
        trustedPrincipals: ['Service:sagemaker.amazonaws.com'],
        permissions: [{ policy: 'aws_iam_role_policy.model', sid: 'ModelAccess', effect: 'Allow', actions: ['execute-api:Invoke'], resources: ['arn:route'], conditions: [] }],
        unreadablePolicies: [],
      },
    ]);
  });
  test('secrets with key and rotation', () => {
    expect(report.secrets).toEqual([{ address: 'aws_secretsmanager_secret.secret', constructPath: 'test-stack/secret', name: 'chat-dev/api-key', kmsKeyId: 'arn:key', rotationDays: 30 }]);
  });
  test('endpoints', () => {
    expect(report.endpoints).toEqual([{ address: 'aws_vpc_endpoint.bedrock', kind: 'vpc endpoint (Interface)', service: 'com.amazonaws.eu-west-1.bedrock-runtime', privateDns: true }]);
  });
  test('gateway routes', () => {
    expect(report.gatewayRoutes).toEqual([{ address: 'aws_api_gateway_method.any', httpMethod: 'ANY', authorization: 'AWS_IAM', apiKeyRequired: true }]);
  });
  test('quotas', () => {
    expect(report.quotas).toEqual([{ address: 'aws_api_gateway_usage_plan.plan', name: 'chat-dev', throttle: { burstLimit: 10, rateLimit: 5 }, quota: { limit: 1000, period: 'DAY' } }]);
  });
  test('log sinks', () => {
    expect(report.logSinks).toEqual([
      { address: 'aws_cloudwatch_log_group.audit', name: '/governed/dev/audit', retentionDays: 365, kmsKeyId: 'arn:key' },
      { address: 'aws_cloudwatch_log_group.legacy', name: '/legacy', retentionDays: null, kmsKeyId: '' },
    ]);
  });
  test('guardrails', () => {
    expect(report.guardrails).toEqual([{ address: 'aws_bedrock_guardrail.g', name: 'baseline', detail: 'blocked input: blocked' }]);
  });
  test('budgets', () => {
    expect(report.budgets).toEqual([{ address: 'aws_budgets_budget.b', name: 'chat-dev', detail: '100 USD per MONTHLY' }]);
  });
  test('rule results tally every rule of the pack', () => {
    expect(report.ruleResults.map((r) => r.ruleId)).toEqual(GOVERNANCE_RULES.map((r) => r.id));
    expect(report.ruleResults.find((r) => r.ruleId === 'NoIamUsers')).toMatchObject({ nonCompliant: 1, compliant: 0 });
  });
  test('findings include the excepted one with its exception', () => {
    expect(report.findings.map((f) => [f.ruleId, f.address, f.exceptedBy?.ticket])).toEqual([
      ['LogGroupEncryptedAndRetained', 'aws_cloudwatch_log_group.legacy', 'SEC-7'],
      ['NoIamUsers', 'aws_iam_access_key.key', undefined],
    ]);
  });
  test('exceptions with their state and expiry', () => {
    expect(report.exceptions).toEqual([
      {
        ruleId: 'LogGroupEncryptedAndRetained',
        reason: 'legacy log group migrated next sprint',
        approver: 'sec',
        expires: '2027-01-01',
        ticket: 'SEC-7',
        constructPath: 'test-stack/legacy',
        state: 'active',
        covered: 1,
      },
    ]);
  });
  test('framework coverage names each control with its rules and status', () => {
    const nhi7 = report.frameworkCoverage.find((c) => c.control === 'NHI7:2025')!;
    expect(nhi7).toMatchObject({ framework: 'OWASP Non-Human Identities Top 10 (2025)', title: 'Long-Lived Secrets', citedAs: 'NHI-03', status: 'not met' });
    expect(nhi7.rules).toContain('NoIamUsers');
    const frameworks = new Set(report.frameworkCoverage.map((c) => c.framework));
    expect([...frameworks]).toEqual(['OWASP Non-Human Identities Top 10 (2025)', 'OWASP Top 10 for Agentic Applications (2026)', 'NIST AI RMF 1.0', 'NIST CSF 2.0', 'CSA MAESTRO']);
  });
  test('markdown has a section per report part', () => {
    const headings = reportMarkdown(report).split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Workloads',
      '## Identities and effective permissions',
      '## Secrets',
      '## Endpoints',
      '## Gateway routes and quotas',
      '## Log sinks',
      '## Guardrails',
      '## Budgets',
      '## Findings',
      '## Exceptions',
      '## Rule results',
      '## Framework coverage',
    ]);
  });
});
