/**
 * The framework controls rules serve. The ids are the ones the seed guidance documents
 * (/work/shared/seeds) name in their "Standards & Framework Alignment" tables, spelled as they
 * spell them (the seeds are not consistent: OWASP Agentic "A2" and "A01", MAESTRO "GOV-02" and
 * "GOV-1"; we keep their spelling so a reviewer can find the source sentence). Where the seeds
 * name a framework without a control id (NIST AI RMF, MAESTRO), the framework's top-level
 * function is used (GOVERN, TRUST). One id is not in the seeds: NIST CSF 2.0 PR.IR-04 (capacity to
 * keep availability), which the service quota rule serves.
 */
export type FrameworkName =
  | 'OWASP Non-Human Identity Top 10'
  | 'OWASP Top 10 for Agentic Applications'
  | 'NIST AI RMF'
  | 'NIST CSF 2.0'
  | 'CSA MAESTRO';

export interface FrameworkControl {
  readonly framework: FrameworkName;
  readonly id: string;
  /** What the seed says the control covers, in one line. */
  readonly meaning: string;
}

function control(framework: FrameworkName, id: string, meaning: string): FrameworkControl {
  return { framework, id, meaning };
}

export const CONTROLS = {
  nhiOwnership: control('OWASP Non-Human Identity Top 10', 'NHI-01', 'Clear ownership and lifecycle control for non-human identities'),
  nhiSecrets: control('OWASP Non-Human Identity Top 10', 'NHI-03', 'Secrets and credential lifecycle risks in agent access'),
  agenticOwnership: control('OWASP Top 10 for Agentic Applications', 'A01', 'Explicit control ownership across identity, tools and runtime'),
  agenticToolUse: control('OWASP Top 10 for Agentic Applications', 'A2', 'Inference policy governs autonomous tool use and runtime decisions'),
  aiRmfGovern: control('NIST AI RMF', 'GOVERN', 'Clear accountability for AI risk decisions'),
  csfOrganizationalContext: control('NIST CSF 2.0', 'GV.OC-01', 'Enterprise accountability and ownership as a governance issue'),
  csfCapacity: control('NIST CSF 2.0', 'PR.IR-04', 'Adequate resource capacity to ensure availability is maintained'),
  maestroTrust: control('CSA MAESTRO', 'TRUST', 'Trusted runtime control of agentic and AI workflows'),
  maestroBoundaries: control('CSA MAESTRO', 'GOV-02', 'Governance boundaries between platform, policy and operations'),
  maestroGovernance: control('CSA MAESTRO', 'GOV-1', 'Governance for autonomous agents across teams and execution layers'),
} as const;

export const FRAMEWORKS: readonly FrameworkName[] = [
  'OWASP Non-Human Identity Top 10',
  'OWASP Top 10 for Agentic Applications',
  'NIST AI RMF',
  'NIST CSF 2.0',
  'CSA MAESTRO',
];

export function controlLabel(c: FrameworkControl): string {
  return `${c.framework} ${c.id}`;
}
