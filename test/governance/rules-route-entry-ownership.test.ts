import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RouteEntryOwnership } from '../../constructs/policy-engine/rules';
import { fromPlanJson, fromSynthJson } from '../../constructs/policy-engine/terraform-json';
import { evaluate, GOVERNANCE_TAGS, planJson, synthJson, synthStack } from './fixtures';
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { environment, serviceProps, testStack } from '../support';

/**
 * RouteEntryOwnership: a route entry carries a workload's consent list (callers), its model and
 * its revocation, and the gateway function acts on it. Creating a parameter that exists fails in
 * AWS (ParameterAlreadyExists); the attacks are the two ways around that, overwrite = true and an
 * import block, each taking over another team's entry.
 */
const ENTRY = '/governance/dev/routes/support-chat';
/** support-chat's entry as a hostile stack rewrites it: its own role added to the callers. */
const TAKEN_OVER = JSON.stringify({ schema: 1, workload: 'support-chat', kind: 'bedrock', modelId: 'anthropic.claude-3-haiku-20240307-v1:0', callers: ['arn:aws:iam::123456789012:role/governed/dev/dev-euw1-growth'], revoked: null });

const parameter = (extra: Record<string, unknown> = {}) => ({ name: ENTRY, type: 'String', tier: 'Intelligent-Tiering', value: TAKEN_OVER, tags: GOVERNANCE_TAGS, ...extra });
const outcome = (extra?: Record<string, unknown>, imports?: Record<string, unknown>[]) => {
  const json = synthJson({ resource: { aws_ssm_parameter: { p: parameter(extra) } } });
  return evaluate(RouteEntryOwnership, fromSynthJson(imports ? { ...json, import: imports } : json), 'aws_ssm_parameter.p') as { status: string; message?: string };
};
const OVERWRITE = (name: string) => `overwrite = true on route entry ${name}: the stack silently replaces an existing entry, its callers (the callee's consent) and its revocation`;
const IMPORTED = (id: string, name: string) => `an import block adopts the existing parameter ${id} as route entry ${name}: the stack takes over another workload's entry`;

describe('RouteEntryOwnership', () => {
  test("attack: overwrite = true on another team's route entry, with a changed callers list", () => {
    expect(outcome({ overwrite: true })).toEqual({ status: 'non-compliant', message: OVERWRITE(ENTRY) });
    expect(outcome({ overwrite: 'true' })).toEqual({ status: 'non-compliant', message: OVERWRITE(ENTRY) });
  });
  test("attack: overwrite = true on an agent's entry, and on a name built from the contract's prefix", () => {
    expect(outcome({ name: '/governance/prod/agents/triage', overwrite: true }).message).toBe(OVERWRITE('/governance/prod/agents/triage'));
    const name = '${jsondecode(data.aws_ssm_parameter.contract.value).gateway.routeParameterPrefix}support-chat';
    expect(outcome({ name, overwrite: true }).message).toBe(OVERWRITE(name));
  });
  test("attack: an import block adopts another team's route entry (Terraform then owns, rewrites and may destroy it)", () => {
    expect(outcome({}, [{ to: 'aws_ssm_parameter.p', id: ENTRY }])).toEqual({ status: 'non-compliant', message: IMPORTED(ENTRY, ENTRY) });
    // The resource's name hidden behind an expression: the import id still names the entry.
    expect(outcome({ name: '${var.parameter_name}' }, [{ to: 'aws_ssm_parameter.p', id: ENTRY }]).message).toBe(IMPORTED(ENTRY, '${var.parameter_name}'));
  });
  test('attack: overwrite and import together report both', () => {
    expect(outcome({ overwrite: true }, [{ to: 'aws_ssm_parameter.p', id: ENTRY }]).message).toBe(`${OVERWRITE(ENTRY)}; ${IMPORTED(ENTRY, ENTRY)}`);
  });

  test('compliant: a route entry created without overwrite (AWS refuses to create one that exists), or with overwrite = false', () => {
    expect(outcome()).toEqual({ status: 'compliant' });
    expect(outcome({ overwrite: false })).toEqual({ status: 'compliant' });
  });
  test('not applicable to other parameters, and to an import block of another resource', () => {
    expect(outcome({ name: '/team/growth/feature-flags', overwrite: true }).status).toBe('not-applicable');
    expect(outcome({ name: '/governance/dev/contract', overwrite: true }).status).toBe('not-applicable');
    expect(outcome({ name: '/team/growth/feature-flags' }, [{ to: 'aws_ssm_parameter.other', id: ENTRY }]).status).toBe('not-applicable');
  });
  test('cannot verify overwrite given by an expression, or overwrite = true on a name the engine cannot read', () => {
    expect(outcome({ overwrite: '${var.overwrite}' })).toEqual({ status: 'cannot-verify', message: `overwrite is an expression on route entry ${ENTRY}` });
    expect(outcome({ name: '${var.parameter_name}', overwrite: true })).toEqual({
      status: 'cannot-verify',
      message: `name is an expression; ${OVERWRITE('${var.parameter_name}')} if it names a route entry`,
    });
    expect(outcome({ name: '${var.parameter_name}' }).status).toBe('not-applicable');
  });
  test('in a plan: overwrite, and an import (the resource change is "importing"), give the same verdicts as at synth', () => {
    const overwritten = fromPlanJson(planJson([{ address: 'aws_ssm_parameter.p', values: parameter({ overwrite: true }) }]));
    expect(evaluate(RouteEntryOwnership, overwritten, 'aws_ssm_parameter.p')).toEqual({ status: 'non-compliant', message: OVERWRITE(ENTRY) });
    const plan = planJson([{ address: 'aws_ssm_parameter.p', values: parameter({ overwrite: null }) }]) as { resource_changes: { change: Record<string, unknown> }[] };
    plan.resource_changes[0].change.importing = { id: ENTRY };
    plan.resource_changes[0].change.actions = ['update'];
    expect(evaluate(RouteEntryOwnership, fromPlanJson(plan), 'aws_ssm_parameter.p')).toEqual({ status: 'non-compliant', message: IMPORTED(ENTRY, ENTRY) });
    const created = fromPlanJson(planJson([{ address: 'aws_ssm_parameter.p', values: parameter({ overwrite: null }) }]));
    expect(evaluate(RouteEntryOwnership, created, 'aws_ssm_parameter.p')).toEqual({ status: 'compliant' });
  });
  test('the model reads import blocks from cdk.tf.json and from a plan', () => {
    const json = synthJson({ resource: { aws_ssm_parameter: { p: parameter() } } });
    expect(fromSynthJson({ ...json, import: [{ to: 'aws_ssm_parameter.p', id: ENTRY, provider: 'aws' }] }).imports).toEqual([{ to: 'aws_ssm_parameter.p', id: ENTRY }]);
    expect(synthStack({ resource: { aws_ssm_parameter: { p: parameter() } } }).imports).toEqual([]);
  });

  test("the library's route entries pass; a team that sets overwrite or imports an entry fails synth through GovernedApp", () => {
    const build = (attack?: 'overwrite' | 'import') => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'route-entry-'));
      const app = new GovernedApp({ outdir });
      const stack = testStack(app, 'product-dev');
      const chat = new GovernedInferenceService(stack, 'chat', serviceProps(environment(stack)));
      if (attack === 'overwrite') chat.routeEntry.parameter.addOverride('overwrite', true);
      if (attack === 'import') chat.routeEntry.parameter.importFrom(ENTRY.replace('support-chat', 'chat'));
      app.synth();
      return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'product-dev', 'cdk.tf.json'), 'utf8')) as { resource: { aws_ssm_parameter: Record<string, { name: string }> } };
    };
    const synthesized = build();
    const entries = Object.entries(synthesized.resource.aws_ssm_parameter).filter(([, p]) => p.name.startsWith('/governance/dev/routes/'));
    expect(entries).toHaveLength(1);
    expect(evaluate(RouteEntryOwnership, synthStack(synthesized as any), `aws_ssm_parameter.${entries[0][0]}`)).toEqual({ status: 'compliant' });
    expect(() => build('overwrite')).toThrow(/\[RouteEntryOwnership\] product-dev: product-dev\/chat\/route-entry\/parameter \(aws_ssm_parameter\.[^)]+\): overwrite = true on route entry \/governance\/dev\/routes\/chat/);
    expect(() => build('import')).toThrow(/\[RouteEntryOwnership\] product-dev: product-dev\/chat\/route-entry\/parameter \(aws_ssm_parameter\.[^)]+\): an import block adopts the existing parameter \/governance\/dev\/routes\/chat/);
  });
});
