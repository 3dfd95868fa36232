import { App, TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Governance, EXCEPTION_METADATA_TYPE } from '../../constructs/policy-engine/governance';
import { nearestRuleId } from '../../constructs/policy-engine/exceptions';
import { evaluateStack, EXCEPTION_RULE_IDS } from '../../constructs/policy-engine/rule-engine';
import { GOVERNANCE_RULES, RoleSessionAtMostOneHour } from '../../constructs/policy-engine/rules';
import { fromSynthJson } from '../../constructs/policy-engine/terraform-json';
import { NOW, policy, synthStack } from './fixtures';

const TRUST = policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } });

const VALID = {
  ruleId: 'RoleSessionAtMostOneHour',
  reason: 'Batch evaluation jobs run for two hours until the job is split (Q1).',
  approver: 'security-architecture@example.com',
  expires: '2027-01-15',
  ticket: 'SEC-1234',
};

function longSessionStack(exceptions: unknown[]) {
  return synthStack({
    exceptions,
    resource: { aws_iam_role: { role: { name: 'batch', assume_role_policy: TRUST, max_session_duration: 7200 } } },
  });
}

describe('exceptions in the engine', () => {
  test('a valid exception covers the finding: reported, not counted', () => {
    const result = evaluateStack(longSessionStack([{ ...VALID, constructPath: 'test-stack/role' }]), [RoleSessionAtMostOneHour], { now: NOW });
    expect(result.errors).toEqual([]);
    expect(result.findings).toEqual([expect.objectContaining({ ruleId: 'RoleSessionAtMostOneHour', exceptedBy: expect.objectContaining({ ticket: 'SEC-1234' }) })]);
    expect(result.exceptions).toEqual([expect.objectContaining({ state: 'active', covered: 1 })]);
  });
  test('an exception on a parent construct covers resources under it', () => {
    const result = evaluateStack(longSessionStack([{ ...VALID, constructPath: 'test-stack' }]), [RoleSessionAtMostOneHour], { now: NOW });
    expect(result.errors).toEqual([]);
  });
  test('an exception for another construct does not cover the finding', () => {
    const result = evaluateStack(longSessionStack([{ ...VALID, constructPath: 'test-stack/role-other' }]), [RoleSessionAtMostOneHour], { now: NOW });
    expect(result.errors.map((f) => f.ruleId)).toEqual(['RoleSessionAtMostOneHour']);
  });
  test('fails when the exception has expired', () => {
    const result = evaluateStack(longSessionStack([{ ...VALID, expires: '2026-11-21', constructPath: 'test-stack/role' }]), [RoleSessionAtMostOneHour], { now: NOW });
    expect(result.errors.map((f) => f.ruleId).sort()).toEqual([EXCEPTION_RULE_IDS.expired, 'RoleSessionAtMostOneHour']);
    expect(result.errors.find((f) => f.ruleId === EXCEPTION_RULE_IDS.expired)!.message).toMatch(/expired on 2026-11-21/);
  });
  test('an exception holds through its expiry day', () => {
    const result = evaluateStack(longSessionStack([{ ...VALID, expires: '2026-11-22', constructPath: 'test-stack/role' }]), [RoleSessionAtMostOneHour], { now: NOW });
    expect(result.errors).toEqual([]);
  });
  test('reports a stale exception as a warning', () => {
    const stack = synthStack({
      exceptions: [{ ...VALID, constructPath: 'test-stack/role' }],
      resource: { aws_iam_role: { role: { name: 'batch', assume_role_policy: TRUST } } },
    });
    const result = evaluateStack(stack, [RoleSessionAtMostOneHour], { now: NOW });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ ruleId: EXCEPTION_RULE_IDS.stale, message: expect.stringMatching(/no longer matches/) })]);
    expect(result.exceptions[0].state).toBe('stale');
  });
  test('fails when a hand-edited exception has no approver', () => {
    const result = evaluateStack(longSessionStack([{ ...VALID, approver: '', constructPath: 'test-stack/role' }]), [RoleSessionAtMostOneHour], { now: NOW });
    expect(result.errors.find((f) => f.ruleId === EXCEPTION_RULE_IDS.invalid)!.message).toMatch(/approver "": allowed a non-empty name/);
    expect(result.errors.map((f) => f.ruleId)).toContain('RoleSessionAtMostOneHour');
  });
});

describe('exceptions naming no rule', () => {
  test('fails when a hand-edited exception names a rule id that does not exist, with the valid ids and the nearest match', () => {
    const result = evaluateStack(longSessionStack([{ ...VALID, ruleId: 'RoleSessionAtMostOneHours', constructPath: 'test-stack/role' }]), GOVERNANCE_RULES, { now: NOW });
    const invalid = result.errors.find((f) => f.ruleId === EXCEPTION_RULE_IDS.invalid)!;
    expect(invalid.message).toMatch(/^exception for RoleSessionAtMostOneHours is not acceptable: ruleId "RoleSessionAtMostOneHours": allowed one of the rule ids: GovernanceTags, ReviewDueSoon, NoIamUsers, /);
    expect(result.exceptions[0].problems[0]).toMatch(/ModelAndToolAccessSeparated$/);
    expect(result.errors.map((f) => f.ruleId)).toContain('RoleSessionAtMostOneHour');
  });
  test('the nearest id ignores case: SagemakerEndpointDataCapture is SageMakerEndpointDataCapture', () => {
    expect(nearestRuleId('SagemakerEndpointDataCapture', GOVERNANCE_RULES.map((r) => r.id))).toBe('SageMakerEndpointDataCapture');
  });
});

describe('Governance.except', () => {
  function roleInStack() {
    const app = new App({ outdir: '/tmp/unused-governance-test' });
    const stack = new TerraformStack(app, 'svc');
    const role = new IamRole(stack, 'role', { name: 'batch', assumeRolePolicy: TRUST, maxSessionDuration: 7200 });
    return { stack, role };
  }

  test('records the exception in the stack\'s // metadata and on the construct', () => {
    const { stack, role } = roleInStack();
    Governance.except(role, VALID, NOW);
    const json = stack.toTerraform();
    expect(json['//'].governance.exceptions).toEqual([{ ...VALID, constructPath: 'svc/role' }]);
    expect(role.node.metadata.find((m) => m.type === EXCEPTION_METADATA_TYPE)?.data).toEqual({ ...VALID, constructPath: 'svc/role' });
  });
  test('the synthesized exception covers the finding', () => {
    const { stack, role } = roleInStack();
    Governance.except(role, VALID, NOW);
    const result = evaluateStack(fromSynthJson(stack.toTerraform()), GOVERNANCE_RULES, { now: NOW });
    expect(result.findings.filter((f) => f.ruleId === 'RoleSessionAtMostOneHour')).toEqual([expect.objectContaining({ exceptedBy: expect.anything() })]);
  });
  test('fails when the approver is missing', () => {
    const { role } = roleInStack();
    expect(() => Governance.except(role, { ...VALID, approver: ' ' }, NOW)).toThrow(/Invalid governance props at 'svc\/role' \(1 problem\):\n  - approver: got " "; allowed: a non-empty name; fix: name who approved the exception/);
  });
  test('fails when the reason is shorter than 20 characters', () => {
    const { role } = roleInStack();
    expect(() => Governance.except(role, { ...VALID, reason: 'needed' }, NOW)).toThrow(/reason: got "needed"; allowed: at least 20 characters \(got 6\)/);
  });
  test('fails when the expiry is more than 90 days ahead', () => {
    const { role } = roleInStack();
    expect(() => Governance.except(role, { ...VALID, expires: '2027-02-21' }, NOW)).toThrow(/expires: got "2027-02-21"; allowed: at most 90 days ahead \(on or before 2027-02-20\)/);
  });
  test('fails when the expiry is not an ISO date', () => {
    const { role } = roleInStack();
    expect(() => Governance.except(role, { ...VALID, expires: '2027-02-30' }, NOW)).toThrow(/expires: got "2027-02-30"; allowed: an ISO date YYYY-MM-DD/);
  });
  test('fails when the ticket is missing', () => {
    const { role } = roleInStack();
    expect(() => Governance.except(role, { ...VALID, ticket: '' }, NOW)).toThrow(/ticket: got ""; allowed: a non-empty ticket reference/);
  });
  test('accepts an expiry exactly 90 days ahead', () => {
    const { role } = roleInStack();
    expect(() => Governance.except(role, { ...VALID, expires: '2027-02-20' }, NOW)).not.toThrow();
  });
});
