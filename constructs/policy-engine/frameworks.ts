import { FrameworkName, PUBLISHED_FRAMEWORKS, publishedTitle } from './framework-catalogue';

export type { FrameworkName } from './framework-catalogue';

/**
 * The framework controls rules serve, by their published ids (framework-catalogue.ts holds the
 * published lists, titles and sources). The seed guidance (/work/shared/seeds) cites several of
 * them by labels of its own ("NHI-03", "A2", "GOV-02", "TRUST", "GOVERN", "GV.OC-01"); those are
 * kept as `citedAs` so a reader of the guidance finds the control, but they are not the ids an
 * auditor looks up.
 */
export interface FrameworkControl {
  readonly framework: FrameworkName;
  /** The published id: `NHI7:2025`, `ASI03`, `GOVERN 2.1`, `GV.RR-02`, MAESTRO layer `L4`. */
  readonly id: string;
  /** The published title. */
  readonly title: string;
  /** Where the framework publishes the control. */
  readonly source: string;
  /** The label the seed guidance gives this control, where it cites one. */
  readonly citedAs?: string;
}

/**
 * @throws Error when `id` is not in the framework's published list (a wrong id is a defect, not a label).
 */
export function frameworkControl(framework: FrameworkName, id: string, citedAs?: string): FrameworkControl {
  const title = publishedTitle(framework, id);
  if (title === undefined) throw new Error(`${framework} has no control ${id}; see framework-catalogue.ts`);
  const source = PUBLISHED_FRAMEWORKS.find((f) => f.name === framework)!.source;
  return citedAs ? { framework, id, title, source, citedAs } : { framework, id, title, source };
}

const NHI = 'OWASP Non-Human Identities Top 10 (2025)';
const ASI = 'OWASP Top 10 for Agentic Applications (2026)';
const RMF = 'NIST AI RMF 1.0';
const CSF = 'NIST CSF 2.0';
const MAESTRO = 'CSA MAESTRO';

export const CONTROLS = {
  nhiOffboarding: frameworkControl(NHI, 'NHI1:2025', 'NHI-01'),
  nhiSecretLeakage: frameworkControl(NHI, 'NHI2:2025', 'NHI-03'),
  nhiOverprivileged: frameworkControl(NHI, 'NHI5:2025', 'NHI-03'),
  nhiLongLivedSecrets: frameworkControl(NHI, 'NHI7:2025', 'NHI-03'),
  nhiEnvironmentIsolation: frameworkControl(NHI, 'NHI8:2025'),
  asiGoalHijack: frameworkControl(ASI, 'ASI01'),
  asiToolMisuse: frameworkControl(ASI, 'ASI02', 'A2'),
  asiIdentityPrivilege: frameworkControl(ASI, 'ASI03', 'A01'),
  asiRogueAgents: frameworkControl(ASI, 'ASI10', 'A01'),
  rmfInventory: frameworkControl(RMF, 'GOVERN 1.6', 'GOVERN'),
  rmfDecommissioning: frameworkControl(RMF, 'GOVERN 1.7', 'GOVERN'),
  rmfRoles: frameworkControl(RMF, 'GOVERN 2.1', 'GOVERN'),
  rmfHumanAiOversight: frameworkControl(RMF, 'GOVERN 3.2', 'GOVERN'),
  rmfIncidents: frameworkControl(RMF, 'GOVERN 4.3', 'GOVERN'),
  rmfThirdParty: frameworkControl(RMF, 'GOVERN 6.1'),
  csfRolesAuthorities: frameworkControl(CSF, 'GV.RR-02', 'GV.OC-01'),
  csfLifecycle: frameworkControl(CSF, 'ID.AM-08'),
  csfIdentities: frameworkControl(CSF, 'PR.AA-01'),
  csfAuthentication: frameworkControl(CSF, 'PR.AA-03'),
  csfLeastPrivilege: frameworkControl(CSF, 'PR.AA-05'),
  csfDataAtRest: frameworkControl(CSF, 'PR.DS-01'),
  csfDataInTransit: frameworkControl(CSF, 'PR.DS-02'),
  csfBackups: frameworkControl(CSF, 'PR.DS-11'),
  csfLogging: frameworkControl(CSF, 'PR.PS-04'),
  csfNetwork: frameworkControl(CSF, 'PR.IR-01'),
  maestroModels: frameworkControl(MAESTRO, 'L1', 'TRUST'),
  maestroData: frameworkControl(MAESTRO, 'L2', 'GOV-02'),
  maestroAgentFrameworks: frameworkControl(MAESTRO, 'L3', 'GOV-1'),
  maestroInfrastructure: frameworkControl(MAESTRO, 'L4', 'TRUST'),
  maestroObservability: frameworkControl(MAESTRO, 'L5', 'TRUST'),
  maestroSecurity: frameworkControl(MAESTRO, 'L6', 'GOV-02'),
  maestroEcosystem: frameworkControl(MAESTRO, 'L7', 'GOV-1'),
} as const;

export const FRAMEWORKS: readonly FrameworkName[] = PUBLISHED_FRAMEWORKS.map((f) => f.name);

/** `OWASP Non-Human Identities Top 10 (2025) NHI7:2025 Long-Lived Secrets (cited as NHI-03)`. */
export function controlLabel(c: FrameworkControl): string {
  const title = c.framework === 'NIST AI RMF 1.0' ? '' : ` ${c.title}`;
  return `${c.framework} ${c.id}${title}${c.citedAs ? ` (cited as ${c.citedAs})` : ''}`;
}

/** The short form for tables: `NHI7:2025`, `GOVERN 2.1`, `MAESTRO L4`, with the guidance's label. */
export function controlShortLabel(c: FrameworkControl): string {
  const id = c.framework === 'CSA MAESTRO' ? `MAESTRO ${c.id}` : c.id;
  return c.citedAs ? `${id} (cited as ${c.citedAs})` : id;
}
