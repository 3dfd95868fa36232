import * as fs from 'fs';
import * as path from 'path';
import { PUBLISHED_FRAMEWORKS } from '../../constructs/policy-engine/framework-catalogue';
import { controlLabel, controlShortLabel, CONTROLS, frameworkControl } from '../../constructs/policy-engine/frameworks';
import { GOVERNANCE_RULES } from '../../constructs/policy-engine/rules';

/** Labels the seed guidance uses that are not the frameworks' ids (or, GV.OC-01, not the control meant). */
const GUIDANCE_LABELS = ['NHI-01', 'NHI-03', 'A01', 'A2', 'GOV-02', 'GOV-1', 'TRUST', 'GOVERN', 'GV.OC-01'];

describe('the published lists', () => {
  test('OWASP NHI Top 10 2025 is NHI1:2025 to NHI10:2025, the Agentic Top 10 ASI01 to ASI10, MAESTRO layers L1 to L7', () => {
    const ids = (name: string) => Object.keys(PUBLISHED_FRAMEWORKS.find((f) => f.name === name)!.controls);
    expect([ids('OWASP Non-Human Identities Top 10 (2025)'), ids('OWASP Top 10 for Agentic Applications (2026)'), ids('CSA MAESTRO')]).toEqual([
      Array.from({ length: 10 }, (_, i) => `NHI${i + 1}:2025`),
      Array.from({ length: 10 }, (_, i) => `ASI${String(i + 1).padStart(2, '0')}`),
      Array.from({ length: 7 }, (_, i) => `L${i + 1}`),
    ]);
  });
  test('the titles the issue names: NHI2 secret leakage, NHI7 long-lived secrets, ASI02 tool misuse, ASI03 identity and privilege abuse, GV.RR-02, PR.AA-05', () => {
    const title = (id: string) => PUBLISHED_FRAMEWORKS.flatMap((f) => Object.entries(f.controls)).find(([k]) => k === id)?.[1];
    expect(['NHI2:2025', 'NHI3:2025', 'NHI7:2025', 'ASI02', 'ASI03', 'ASI10'].map(title)).toEqual([
      'Secret Leakage',
      'Vulnerable Third-Party NHI',
      'Long-Lived Secrets',
      'Tool Misuse and Exploitation',
      'Identity and Privilege Abuse',
      'Rogue Agents',
    ]);
    expect(title('GV.RR-02')).toMatch(/^Roles, responsibilities, and authorities/);
    expect(title('PR.AA-05')).toMatch(/least privilege/);
    expect(title('GV.OC-01')).toMatch(/organizational mission/);
  });
});

describe('every control a rule cites', () => {
  const cited = GOVERNANCE_RULES.flatMap((r) => r.frameworks.map((c) => ({ rule: r.id, c })));
  test('is in its framework\'s published list, with the published title and source', () => {
    const wrong = cited.filter(({ c }) => {
      const f = PUBLISHED_FRAMEWORKS.find((x) => x.name === c.framework);
      return !f || f.controls[c.id] !== c.title || f.source !== c.source;
    });
    expect(wrong.map(({ rule, c }) => `${rule}: ${c.framework} ${c.id}`)).toEqual([]);
  });
  test('is never one of the guidance\'s own labels (they are kept only as citedAs)', () => {
    expect(cited.filter(({ c }) => GUIDANCE_LABELS.includes(c.id)).map(({ rule, c }) => `${rule}: ${c.id}`)).toEqual([]);
    expect(Object.values(CONTROLS).filter((c) => c.citedAs !== undefined).every((c) => GUIDANCE_LABELS.includes(c.citedAs!))).toBe(true);
  });
  test('every rule cites at least one control of each OWASP list or NIST, and a MAESTRO layer', () => {
    const missing = GOVERNANCE_RULES.filter((r) => !r.frameworks.some((c) => c.framework === 'CSA MAESTRO') || !r.frameworks.some((c) => c.framework !== 'CSA MAESTRO'));
    expect(missing.map((r) => r.id)).toEqual([]);
  });
});

test('fails when a control id is not in the published list', () => {
  expect(() => frameworkControl('OWASP Non-Human Identities Top 10 (2025)', 'NHI-03')).toThrow('OWASP Non-Human Identities Top 10 (2025) has no control NHI-03; see framework-catalogue.ts');
});

test('labels show the published id and title with the guidance\'s label', () => {
  expect([controlLabel(CONTROLS.nhiLongLivedSecrets), controlShortLabel(CONTROLS.maestroInfrastructure)]).toEqual([
    'OWASP Non-Human Identities Top 10 (2025) NHI7:2025 Long-Lived Secrets (cited as NHI-03)',
    'MAESTRO L4 (cited as TRUST)',
  ]);
});

test("each rule's README entry lists its real framework ids", () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../constructs/policy-engine/rules/README.md'), 'utf8');
  const rows = new Map(
    readme
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split(' | '))
      .filter((cells) => cells.length >= 4)
      .map((cells) => [cells[0].replace(/^\| `|`$/g, ''), cells[3].replace(/ \|$/, '')] as const),
  );
  const wrong = GOVERNANCE_RULES.filter((r) => rows.get(r.id) !== r.frameworks.map(controlShortLabel).join(', '));
  expect(wrong.map((r) => `${r.id}: README has ${rows.get(r.id)}`)).toEqual([]);
});
