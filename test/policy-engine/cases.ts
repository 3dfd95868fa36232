import * as fs from 'fs';
import * as path from 'path';
import { fromPlanJson, fromSynthJson, StackModel } from '../../constructs/policy-engine/terraform-json';
import { GOVERNANCE_TAGS } from '../governance/fixtures';

/**
 * The real-world cases of test/fixtures/cases/rules (a copy of /work/shared/cases/rules, see
 * SOURCE.md there): `stack.json` holds the data/resource sections of a synthesized stack, put in a
 * cdk.tf.json with provider default tags carrying the governance tags; `plan.json` is a real plan
 * of `tf/`; `synth-plan.json` the real plan of `stack.json` (make-case-plans.sh).
 */
export const CASES_DIR = path.join(__dirname, '..', 'fixtures', 'cases', 'rules');

export function caseNames(): string[] {
  if (!fs.existsSync(CASES_DIR)) throw new Error(`${CASES_DIR} is missing: copy /work/shared/cases/rules there (see SOURCE.md)`);
  return fs
    .readdirSync(CASES_DIR)
    .filter((d) => fs.statSync(path.join(CASES_DIR, d)).isDirectory())
    .sort();
}

export function caseFile(name: string, file: string): string | undefined {
  const f = path.join(CASES_DIR, name, file);
  return fs.existsSync(f) ? f : undefined;
}

/** The cdk.tf.json a case's stack.json stands for: provider with default tags, the case's data and resources. */
export function caseSynthJson(name: string): Record<string, unknown> | undefined {
  const file = caseFile(name, 'stack.json');
  if (!file) return undefined;
  const stack = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return {
    '//': { metadata: { stackName: name, version: '0.21.0', backend: 'local' } },
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
    provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: GOVERNANCE_TAGS }] }] },
    ...stack,
  };
}

export function caseSynth(name: string): StackModel | undefined {
  const json = caseSynthJson(name);
  return json ? fromSynthJson(json, name) : undefined;
}

export function casePlan(name: string, file = 'plan.json', synth?: StackModel): StackModel | undefined {
  const f = caseFile(name, file);
  return f ? fromPlanJson(JSON.parse(fs.readFileSync(f, 'utf8')), name, synth) : undefined;
}
