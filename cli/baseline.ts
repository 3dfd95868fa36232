import { FINGERPRINT_KEY } from '../constructs/policy-engine/fingerprint';
import type { Finding, StackEvaluation } from '../constructs/policy-engine/rule-engine';
import { readJson, UnusableInput } from './inputs';

/**
 * `--baseline <earlier report>`: report and fail only on findings that are new since an earlier
 * run, so a scanner can be adopted on an existing estate (as checkov's and trivy's baselines do).
 * The earlier report is this tool's SARIF (`partialFingerprints`) or JSON output (`--format json`,
 * or a governance.json): findings are matched by their fingerprint (fingerprint.ts), which
 * survives reordering and unrelated changes.
 */
export interface Baseline {
  readonly file: string;
  readonly fingerprints: ReadonlySet<string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every `fingerprint` of every finding in a JSON report (check, review or governance.json). */
function jsonFingerprints(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) for (const n of node) jsonFingerprints(n, into);
  else if (isObject(node)) {
    if (typeof node.ruleId === 'string' && typeof node.fingerprint === 'string') into.add(node.fingerprint);
    for (const v of Object.values(node)) jsonFingerprints(v, into);
  }
}

/** @throws UnusableInput when the file is missing, not JSON, or not a report of this tool */
export function readBaseline(file: string): Baseline {
  const json = readJson(file);
  const fingerprints = new Set<string>();
  if (isObject(json) && Array.isArray(json.runs)) {
    for (const run of json.runs) {
      for (const result of isObject(run) && Array.isArray(run.results) ? run.results : []) {
        const fp = isObject(result) && isObject(result.partialFingerprints) ? result.partialFingerprints[FINGERPRINT_KEY] : undefined;
        if (typeof fp === 'string') fingerprints.add(fp);
      }
    }
  } else if (isObject(json) && (json.tool === 'cdktf-ai-governance' || typeof json.schemaVersion === 'number')) {
    jsonFingerprints(json, fingerprints);
  } else {
    throw new UnusableInput(
      `${file} is not a report of cdktf-ai-governance: pass the SARIF (--format sarif) or JSON (--format json, or governance.json) output of an earlier check or review.`,
    );
  }
  return { file, fingerprints };
}

/** The evaluation with only the findings the baseline does not have (errors and warnings likewise). */
export function newSince(evaluation: StackEvaluation, baseline: Baseline | undefined): StackEvaluation {
  if (!baseline) return evaluation;
  const isNew = (f: Finding) => !baseline.fingerprints.has(f.fingerprint);
  return { ...evaluation, findings: evaluation.findings.filter(isNew), errors: evaluation.errors.filter(isNew), warnings: evaluation.warnings.filter(isNew) };
}
