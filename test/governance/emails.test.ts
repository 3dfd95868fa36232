import fc from 'fast-check';
import { agentPolicies } from '../../constructs/agent-authorization/cedar-policies';
import { checkEmailList, isEmail, normalizeEmail } from '../../constructs/governance/emails';
import { ProblemCollector } from '../../constructs/governance/errors';
import { governanceTags, kubernetesMetadata, workloadFacts } from '../../constructs/governance/governance-tags';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { environment, only, PRODUCT_OWNER, serviceProps, synth, testStack } from '../support';
import { agent } from '../workloads/agent.support';
import { ENV, resolve, TRIAGE_TOOLS } from './agent-grants.fixture';

const SEED = 20261122;
const params = { numRuns: 300, seed: SEED, endOnFailure: true };

/** Valid addresses in any mix of case: dot-separated atoms, a domain of labels, an alphabetic TLD. */
const atom = fc.stringMatching(/^[A-Za-z0-9_%+-]{1,8}$/);
const label = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?$/);
const address = fc
  .tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[A-Za-z]{2,6}$/))
  .map(([local, domain, tld]) => `${local.join('.')}@${domain.join('.')}.${tld}`);
/** The same address with the case of each letter flipped at random. */
const recased = (value: string) => fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }).map((flips) => [...value].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

describe('e-mail normalisation (property, fixed seed)', () => {
  it('every valid address is accepted and normalises to lower case, idempotently', () => {
    fc.assert(
      fc.property(address, (a) => {
        const n = normalizeEmail(a);
        return isEmail(a) && isEmail(n) && n === n.toLowerCase() && normalizeEmail(n) === n && n.length === a.length;
      }),
      params,
    );
  });

  it('two spellings of one address differing only in case normalise to the same address', () => {
    fc.assert(
      fc.property(address.chain((a) => fc.tuple(recased(a), recased(a))), ([x, y]) => normalizeEmail(x) === normalizeEmail(y)),
      params,
    );
  });

  it('a list with the same address twice, in any case, is refused at the second', () => {
    fc.assert(
      fc.property(address.chain((a) => fc.tuple(fc.constant(a), recased(a))), ([a, b]) => {
        const problems = new ProblemCollector('p');
        checkEmailList(problems, 'alertEmails', [a, b], 'fix');
        return problems.count === 1;
      }),
      params,
    );
  });

  it('an empty part between dots, in the local part or the domain, is refused', () => {
    fc.assert(
      fc.property(address, fc.boolean(), (a, inDomain) => {
        const [local, domain] = a.split('@');
        const broken = inDomain ? `${local}@${domain.replace('.', '..')}` : `${local}..x@${domain}`;
        return !isEmail(broken);
      }),
      params,
    );
  });

  it('leading, trailing and doubled dots, spaces and missing parts are refused', () => {
    for (const bad of ['maria..chen@example..com', '.maria@example.com', 'maria.@example.com', 'maria@.example.com', 'maria@example.com.', 'maria chen@example.com', ' maria@example.com', 'maria@example', '@example.com', 'maria@-example.com', 'maria@example.c0m']) {
      expect([bad, isEmail(bad)]).toEqual([bad, false]);
    }
  });
});

describe('e-mails are lower-cased once, everywhere they are written', () => {
  const owner = { ...PRODUCT_OWNER, accountable: 'Maria.Chen@Example.com', approver: 'Sam.Ortiz@EXAMPLE.com', revoker: 'SecOps@Example.com' };

  it('in the governance tags', () => {
    const tags = governanceTags(workloadFacts('dev', { name: 'chat', owner, dataClassification: 'internal' }));
    expect([tags[TAG_KEYS.accountable], tags[TAG_KEYS.approver], tags[TAG_KEYS.revoker]]).toEqual(['maria.chen@example.com', 'sam.ortiz@example.com', 'secops@example.com']);
  });

  it('in the Kubernetes annotations', () => {
    const { annotations } = kubernetesMetadata(workloadFacts('dev', { name: 'chat', owner, dataClassification: 'internal' }));
    expect(annotations['governance.ai/approver']).toBe('sam.ortiz@example.com');
  });

  it('in the revocation tags', () => {
    const tags = governanceTags(workloadFacts('dev', { name: 'chat', owner, dataClassification: 'internal', revoked: { by: 'CISO@Example.com', at: '2026-11-20T09:00:00Z', reason: 'INC-1: leaked token' } }));
    expect(tags[TAG_KEYS.revokedBy]).toBe('ciso@example.com');
  });

  it('in the Cedar approval condition', () => {
    const tools = resolve([{ ...TRIAGE_TOOLS[0], approval: { approvers: ['OnCall-Lead@Example.com'] } }]);
    const write = agentPolicies({ environment: ENV, agent: 'triage', tools, models: [] }).find((p) => p.id.startsWith('approval.') && p.id.endsWith('.write'))!;
    expect(write.statement).toContain('["oncall-lead@example.com"].contains(context.approvedBy)');
  });

  it('on the synthesized role, the budget subscribers and an agent', () => {
    const stack = testStack();
    const env = environment(stack, { owner: { ...owner, team: 'ai-platform', reviewBy: '2027-05-31' } });
    new GovernedInferenceService(stack, 'svc', serviceProps(env, { owner, budget: { monthlyUsd: 10, alertEmails: ['Finance@Example.com', 'maria.chen@example.com'] } }));
    agent(stack, env, { owner: { ...owner, team: 'sre' } });
    const json = synth(stack);
    const role = only(json, 'aws_iam_role', 'svc_identity_role');
    expect(role.tags[TAG_KEYS.approver]).toBe('sam.ortiz@example.com');
    const budget = only(json, 'aws_budgets_budget');
    expect(budget.notification[0].subscriber_email_addresses).toEqual(['finance@example.com', 'maria.chen@example.com']);
    expect(env.accountability.accountable).toBe('maria.chen@example.com');
  });
});
