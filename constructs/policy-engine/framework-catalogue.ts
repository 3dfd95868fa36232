/**
 * The published control lists the rules map to, with each control's title as published and the
 * document it is published in. A control id the rules cite must be in this table
 * (frameworks.ts looks titles up here and throws on an unknown id; test/policy-engine/frameworks.test.ts
 * checks every rule's ids against it).
 */
export type FrameworkName =
  | 'OWASP Non-Human Identities Top 10 (2025)'
  | 'OWASP Top 10 for Agentic Applications (2026)'
  | 'NIST AI RMF 1.0'
  | 'NIST CSF 2.0'
  | 'CSA MAESTRO';

export interface PublishedFramework {
  readonly name: FrameworkName;
  /** Where the list is published. */
  readonly source: string;
  /** Control id as published -> title as published. */
  readonly controls: Readonly<Record<string, string>>;
}

export const PUBLISHED_FRAMEWORKS: readonly PublishedFramework[] = [
  {
    name: 'OWASP Non-Human Identities Top 10 (2025)',
    source: 'https://owasp.org/www-project-non-human-identities-top-10/2025/',
    controls: {
      'NHI1:2025': 'Improper Offboarding',
      'NHI2:2025': 'Secret Leakage',
      'NHI3:2025': 'Vulnerable Third-Party NHI',
      'NHI4:2025': 'Insecure Authentication',
      'NHI5:2025': 'Overprivileged NHI',
      'NHI6:2025': 'Insecure Cloud Deployment Configurations',
      'NHI7:2025': 'Long-Lived Secrets',
      'NHI8:2025': 'Environment Isolation',
      'NHI9:2025': 'NHI Reuse',
      'NHI10:2025': 'Human Use of NHI',
    },
  },
  {
    name: 'OWASP Top 10 for Agentic Applications (2026)',
    source: 'https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/',
    controls: {
      ASI01: 'Agent Goal Hijack',
      ASI02: 'Tool Misuse and Exploitation',
      ASI03: 'Identity and Privilege Abuse',
      ASI04: 'Agentic Supply Chain Vulnerabilities',
      ASI05: 'Unexpected Code Execution (RCE)',
      ASI06: 'Memory and Context Poisoning',
      ASI07: 'Insecure Inter-Agent Communication',
      ASI08: 'Cascading Failures',
      ASI09: 'Human-Agent Trust Exploitation',
      ASI10: 'Rogue Agents',
    },
  },
  {
    name: 'NIST AI RMF 1.0',
    source: 'https://doi.org/10.6028/NIST.AI.100-1 (NIST AI 100-1, Table 1: GOVERN categories and subcategories)',
    controls: {
      'GOVERN 1.6': 'Mechanisms are in place to inventory AI systems and are resourced according to organizational risk priorities.',
      'GOVERN 1.7':
        'Processes and procedures are in place for decommissioning and phasing out AI systems safely and in a manner that does not increase risks or decrease the organization\u2019s trustworthiness.',
      'GOVERN 2.1':
        'Roles and responsibilities and lines of communication related to mapping, measuring, and managing AI risks are documented and are clear to individuals and teams throughout the organization.',
      'GOVERN 3.2': 'Policies and procedures are in place to define and differentiate roles and responsibilities for human-AI configurations and oversight of AI systems.',
      'GOVERN 4.3': 'Organizational practices are in place to enable AI testing, identification of incidents, and information sharing.',
      'GOVERN 6.1':
        'Policies and procedures are in place that address AI risks associated with third-party entities, including risks of infringement of a third-party\u2019s intellectual property or other rights.',
    },
  },
  {
    name: 'NIST CSF 2.0',
    source: 'https://doi.org/10.6028/NIST.CSWP.29 (The NIST Cybersecurity Framework (CSF) 2.0, Appendix A)',
    controls: {
      'GV.OC-01': 'The organizational mission is understood and informs cybersecurity risk management',
      'GV.RR-02': 'Roles, responsibilities, and authorities related to cybersecurity risk management are established, communicated, understood, and enforced',
      'ID.AM-08': 'Systems, hardware, software, services, and data are managed throughout their life cycles',
      'PR.AA-01': 'Identities and credentials for authorized users, services, and hardware are managed by the organization',
      'PR.AA-03': 'Users, services, and hardware are authenticated',
      'PR.AA-05':
        'Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties',
      'PR.DS-01': 'The confidentiality, integrity, and availability of data-at-rest are protected',
      'PR.DS-02': 'The confidentiality, integrity, and availability of data-in-transit are protected',
      'PR.DS-11': 'Backups of data are created, protected, maintained, and tested',
      'PR.PS-04': 'Log records are generated and made available for continuous monitoring',
      'PR.IR-01': 'Networks and environments are protected from unauthorized logical access and usage',
    },
  },
  {
    name: 'CSA MAESTRO',
    source: 'https://cloudsecurityalliance.org/blog/2025/02/06/agentic-ai-threat-modeling-framework-maestro (MAESTRO has layers, not control ids)',
    controls: {
      L1: 'Foundation Models',
      L2: 'Data Operations',
      L3: 'Agent Frameworks',
      L4: 'Deployment and Infrastructure',
      L5: 'Evaluation and Observability',
      L6: 'Security and Compliance',
      L7: 'Agent Ecosystem',
    },
  },
];

/** The published title of a control, or undefined when the id is not in its framework's list. */
export function publishedTitle(framework: FrameworkName, id: string): string | undefined {
  return PUBLISHED_FRAMEWORKS.find((f) => f.name === framework)?.controls[id];
}
