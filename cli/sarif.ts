import type { Finding, Rule } from '../constructs/policy-engine/rule-engine';
import { controlLabel } from '../constructs/policy-engine/frameworks';
import { EXCEPTION_RULE_IDS } from '../constructs/policy-engine/rule-engine';
import { FINGERPRINT_KEY } from '../constructs/policy-engine/fingerprint';

/**
 * SARIF 2.1.0 (the format code-scanning tools read). One result per finding; an excepted finding
 * carries a suppression with the exception's reason, approver and expiry, so it is shown as
 * reviewed rather than hidden. Each result has `partialFingerprints` (fingerprint.ts) so a tool
 * tracks it across runs; rules carry their framework controls (published id and title, with the
 * guidance's label) as tags. With `--baseline`, only new results are written, as baselineState "new".
 * Validated against the SARIF 2.1.0 schema in test/cli/sarif.test.ts.
 */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifLocationHint {
  /** The file the finding came from (cdk.tf.json or plan.json), relative to where the tool ran. */
  readonly uri: string;
}

const EXCEPTION_RULES = [
  { id: EXCEPTION_RULE_IDS.expired, summary: 'An exception has expired.', level: 'error' },
  { id: EXCEPTION_RULE_IDS.invalid, summary: 'An exception lacks a reason, approver, ticket or valid expiry.', level: 'error' },
  { id: EXCEPTION_RULE_IDS.stale, summary: 'An exception no longer matches any finding.', level: 'warning' },
] as const;

export function toSarif(findings: readonly { finding: Finding; uri: string }[], rules: readonly Rule[], version: string, options: { baseline?: boolean } = {}): object {
  const descriptors = [
    ...rules.map((r) => ({
      id: r.id,
      name: r.id,
      shortDescription: { text: r.summary },
      fullDescription: { text: r.explanation },
      help: { text: r.fix },
      defaultConfiguration: { level: r.level },
      properties: { tags: r.frameworks.map(controlLabel) },
    })),
    ...EXCEPTION_RULES.map((r) => ({
      id: r.id,
      name: r.id,
      shortDescription: { text: r.summary },
      fullDescription: { text: r.summary },
      help: { text: 'Governance.except(construct, { ruleId, reason, approver, expires, ticket })' },
      defaultConfiguration: { level: r.level },
      properties: { tags: [] as string[] },
    })),
  ];
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'cdktf-ai-governance', version, informationUri: 'https://www.npmjs.com/package/cdktf-ai-governance', rules: descriptors } },
        results: findings.map(({ finding: f, uri }) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? -1,
          level: f.level,
          partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
          ...(options.baseline ? { baselineState: 'new' } : {}),
          message: { text: `${f.message}. Fix: ${f.fix}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri } },
              logicalLocations: [{ name: f.address, fullyQualifiedName: f.constructPath ?? f.address, kind: 'resource' }],
            },
          ],
          properties: { stack: f.stackName, status: f.status, constructPath: f.constructPath ?? null, frameworks: f.frameworks },
          ...(f.exceptedBy
            ? {
                suppressions: [
                  {
                    kind: 'external',
                    status: 'accepted',
                    justification: `${f.exceptedBy.reason} (approved by ${f.exceptedBy.approver}, ${f.exceptedBy.ticket}, expires ${f.exceptedBy.expires})`,
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
}
