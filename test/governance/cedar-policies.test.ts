import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import {
  agentEntityId,
  agentPolicies,
  cedarSchema,
  cedarString,
  CEDAR_TYPES,
  MODEL_ACTION,
  toolEntityId,
  type CedarPolicy,
} from '../../constructs/agent-authorization/cedar-policies';
import { agents, caseName, ENV, MATRIX, MODEL, parseCall, resolve, TRIAGE_TOOLS, type MatrixCase } from './agent-grants.fixture';

/** Every policy of the environment's store, as Cedar's policy set (id -> statement). */
function policySet(policies: CedarPolicy[]): Record<string, string> {
  return Object.fromEntries(policies.map((p) => [p.id, p.statement]));
}

function environmentPolicies(triageRevoked: boolean): CedarPolicy[] {
  return agents({ triageRevoked }).flatMap(agentPolicies);
}

function decide(c: MatrixCase): { decision: string; reason: string[] } {
  const call = parseCall(c);
  // The gateway function's context: day, hour and minute of the UTC day (approval and tenant when present).
  const context: Record<string, cedar.CedarValueJson> = call.kind === 'tool' ? { dayOfWeek: c.day, hourUtc: c.hour, minuteOfDay: c.hour * 60 } : { hourUtc: c.hour, dayOfWeek: c.day };
  if (c.approvedBy && call.kind === 'tool') {
    context.approvedBy = c.approvedBy;
    context.approvalId = 'apr-1';
  }
  const answer = cedar.isAuthorized({
    principal: { type: CEDAR_TYPES.agent, id: agentEntityId(ENV, c.agent) },
    action: { type: CEDAR_TYPES.action, id: call.kind === 'model' ? MODEL_ACTION : call.action },
    resource: call.kind === 'model' ? { type: CEDAR_TYPES.model, id: call.model } : { type: CEDAR_TYPES.tool, id: toolEntityId(ENV, call.owner, call.tool) },
    context,
    schema: cedarSchema() as cedar.Schema,
    validateRequest: true,
    policies: { staticPolicies: policySet(environmentPolicies(c.revoked ?? false)) },
    entities: [],
  });
  if (answer.type !== 'success') throw new Error(`Cedar failed: ${JSON.stringify(answer.errors)}`);
  if (answer.response.diagnostics.errors.length > 0) throw new Error(`Cedar policy errors: ${JSON.stringify(answer.response.diagnostics.errors)}`);
  return { decision: answer.response.decision.toUpperCase(), reason: answer.response.diagnostics.reason };
}

describe('Cedar policies evaluated by the Cedar engine', () => {
  it.each(MATRIX.map((c) => [caseName(c), c] as const))('%s', (_name, c) => {
    expect(decide(c).decision).toBe(c.expected);
  });

  it('a revoked agent is denied by the forbid policy, not by a missing permit', () => {
    const c = MATRIX.find((m) => m.revoked && m.call === 'runbooks:read')!;
    expect(decide(c).reason).toEqual(['revoked.triage']);
  });

  it('an approved write is allowed by the write permit of that tool', () => {
    const c = MATRIX.find((m) => m.approvedBy && m.expected === 'ALLOW')!;
    expect(decide(c).reason).toEqual(['tool.triage.ticketing.write']);
  });
});

describe('Cedar policies validated against the generated schema', () => {
  const validate = (policies: Record<string, string>) =>
    cedar.validate({ schema: cedarSchema() as cedar.Schema, policies: { staticPolicies: policies }, validationSettings: { mode: 'strict' } });

  it('the schema parses', () => {
    expect(cedar.checkParseSchema(cedarSchema() as cedar.Schema)).toEqual({ type: 'success' });
  });

  it('every generated policy, revoked or not, validates in strict mode', () => {
    const answer = validate(policySet([...environmentPolicies(false), ...environmentPolicies(true).filter((p) => p.effect === 'forbid')]));
    expect(answer).toMatchObject({ type: 'success', validationErrors: [], validationWarnings: [] });
  });

  it('the validator rejects a policy that reads a context attribute the schema lacks (validation is live)', () => {
    const bad = 'permit (principal, action == Governance::Action::"read", resource) when { context.ticketId == "1" };';
    const answer = validate({ bad });
    expect(answer.type === 'success' ? answer.validationErrors.length : -1).toBeGreaterThan(0);
  });

  it('the validator finds a tool action on a model impossible (the schema keeps the grants apart)', () => {
    const bad = 'permit (principal, action == Governance::Action::"read", resource == Governance::Model::"m");';
    const answer = validate({ bad });
    const warnings = answer.type === 'success' ? answer.validationWarnings.map((w) => w.error.message) : [];
    expect(warnings.join('\n')).toMatch(/policy is impossible/);
  });
});

describe('generated policy text', () => {
  const triage = () => agentPolicies(agents()[0]);
  const byId = (id: string) => triage().find((p) => p.id === id)!;
  const TICKETING = 'Governance::Tool::"prod/triage/ticketing"';

  it('grants are unconditional permits; every restriction is a forbid', () => {
    expect(triage().map((p) => `${p.effect} ${p.id}`)).toEqual([
      'permit tool.triage.ticketing.read',
      'permit tool.triage.ticketing.write',
      'forbid actions.triage.ticketing',
      'forbid window.triage.ticketing',
      'forbid approval.triage.ticketing.write',
      'permit tool.triage.runbooks.read',
      'forbid actions.triage.runbooks',
      'forbid tools.triage',
      'permit model.triage.0',
    ]);
    expect(triage().filter((p) => p.effect === 'permit').every((p) => !/when|unless/.test(p.statement))).toBe(true);
  });

  it('the time window is a forbid unless the call is inside it, on dayOfWeek and minuteOfDay', () => {
    expect(byId('window.triage.ticketing').statement).toBe(
      `forbid (\n  principal == Governance::Agent::"prod/triage",\n  action in Governance::Action::"toolAction",\n  resource == ${TICKETING}\n)\n` +
        'unless { (["Mon", "Tue", "Wed", "Thu", "Fri"].contains(context.dayOfWeek) && context.minuteOfDay >= 480 && context.minuteOfDay < 1080) };',
    );
  });

  it('a window across midnight is the evening of its days or the morning after (Sun is followed by Mon)', () => {
    const [tool] = resolve([{ ...TRIAGE_TOOLS[1], timeWindow: 'Fri,Sun 22:00-06:00' }]);
    const policy = agentPolicies({ environment: ENV, agent: 'triage', tools: [tool], models: [] }).find((p) => p.id.startsWith('window.'))!;
    expect(policy.statement).toContain('unless { ((["Fri", "Sun"].contains(context.dayOfWeek) && context.minuteOfDay >= 1320) || (["Mon", "Sat"].contains(context.dayOfWeek) && context.minuteOfDay < 360)) }');
  });

  it('a high-sensitivity write is forbidden unless a named approver approved it', () => {
    expect(byId('approval.triage.ticketing.write').statement).toBe(
      `forbid (\n  principal == Governance::Agent::"prod/triage",\n  action == Governance::Action::"write",\n  resource == ${TICKETING}\n)\n` +
        'unless { context has approvedBy && ["oncall-lead@example.com"].contains(context.approvedBy) };',
    );
  });

  it('a read of the same high-sensitivity tool needs no approval (approval defaults to non-read actions)', () => {
    expect(triage().filter((p) => p.id.startsWith('approval.')).map((p) => p.id)).toEqual(['approval.triage.ticketing.write']);
  });

  it('actions a tool does not grant are forbidden', () => {
    expect(byId('actions.triage.ticketing').statement).toContain('unless { action in [Governance::Action::"read", Governance::Action::"write"] };');
  });

  it("tools that are not the agent's own are forbidden", () => {
    expect(byId('tools.triage').statement).toBe(
      'forbid (\n  principal == Governance::Agent::"prod/triage",\n  action in Governance::Action::"toolAction",\n  resource\n)\n' +
        `unless { resource in [${TICKETING}, Governance::Tool::"prod/triage/runbooks"] };`,
    );
  });

  it('a model permit names only the model action and a model resource', () => {
    expect(byId('model.triage.0').statement).toBe(`permit (\n  principal == Governance::Agent::"prod/triage",\n  action == Governance::Action::"invokeModel",\n  resource == Governance::Model::"${MODEL}"\n);`);
  });

  it('revocation adds one forbid on every action and resource with who, when and why', () => {
    const forbid = agentPolicies(agents({ triageRevoked: true })[0]).filter((p) => p.id.startsWith('revoked.'));
    expect(forbid).toEqual([
      {
        id: 'revoked.triage',
        effect: 'forbid',
        description: 'prod/triage revoked by ciso@example.com at 2026-11-21T09:00:00Z: prompt injection incident INC-42',
        statement: 'forbid (\n  principal == Governance::Agent::"prod/triage",\n  action,\n  resource\n);',
      },
    ]);
  });

  it('a window that runs until midnight has no upper bound', () => {
    const [tool] = resolve([{ ...TRIAGE_TOOLS[1], timeWindow: 'Sat,Sun 06:00-24:00' }]);
    const policy = agentPolicies({ environment: ENV, agent: 'triage', tools: [tool], models: [] }).find((p) => p.id.startsWith('window.'))!;
    expect(policy.statement).toContain('(["Sat", "Sun"].contains(context.dayOfWeek) && context.minuteOfDay >= 360)');
  });

  it('an agent with tenants gets one forbid on tool calls for any other tenant', () => {
    const forbid = agentPolicies({ environment: ENV, agent: 'triage', tools: resolve(TRIAGE_TOOLS), models: [], tenants: ['acme', 'globex'] }).filter((p) => p.id.startsWith('tenants.'));
    expect(forbid).toEqual([
      {
        id: 'tenants.triage',
        effect: 'forbid',
        description: 'prod/triage acts for tenants acme, globex only: tool calls for any other tenant are denied',
        statement: 'forbid (\n  principal == Governance::Agent::"prod/triage",\n  action in Governance::Action::"toolAction",\n  resource\n)\nwhen { context has tenant && !["acme", "globex"].contains(context.tenant) };',
      },
    ]);
  });

  it('an agent without tenants forbids every tool call that names a tenant', () => {
    const forbid = agentPolicies({ environment: ENV, agent: 'triage', tools: resolve(TRIAGE_TOOLS), models: [], tenants: [] }).find((p) => p.id.startsWith('tenants.'))!;
    expect(forbid.statement).toContain('when { context has tenant };');
  });

  it('an agent without tools needs no tenant policy (only tool calls name a tenant), and is forbidden every tool', () => {
    const policies = agentPolicies({ environment: ENV, agent: 'triage', tools: [], models: [{ model: MODEL }], tenants: [] });
    expect(policies.map((p) => p.id)).toEqual(['tools.triage', 'model.triage.0']);
    expect(policies[0].statement).toBe('forbid (\n  principal == Governance::Agent::"prod/triage",\n  action in Governance::Action::"toolAction",\n  resource\n);');
  });

  it('quotes and backslashes are escaped in Cedar strings', () => {
    expect(cedarString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('fails when a Cedar string holds a control character', () => {
    expect(() => cedarString('a\nb')).toThrow(/contains a control character/);
  });
});

describe('attack: another team adds `permit (principal, action, resource);` to the shared policy store', () => {
  const PERMIT_ALL = 'permit (principal, action, resource);';
  const withPermitAll = (c: MatrixCase) => {
    const call = parseCall(c);
    if (call.kind !== 'tool') throw new Error('tool calls only');
    const answer = cedar.isAuthorized({
      principal: { type: CEDAR_TYPES.agent, id: agentEntityId(ENV, c.agent) },
      action: { type: CEDAR_TYPES.action, id: call.action },
      resource: { type: CEDAR_TYPES.tool, id: toolEntityId(ENV, call.owner, call.tool) },
      context: { dayOfWeek: c.day, hourUtc: c.hour, minuteOfDay: c.hour * 60, ...(c.approvedBy ? { approvedBy: c.approvedBy, approvalId: 'apr-1' } : {}) },
      schema: cedarSchema() as cedar.Schema,
      validateRequest: true,
      policies: { staticPolicies: { ...policySet(environmentPolicies(c.revoked ?? false)), 'team-added': PERMIT_ALL } },
      entities: [],
    });
    if (answer.type !== 'success') throw new Error(JSON.stringify(answer.errors));
    return answer.response.decision.toUpperCase();
  };
  // Every tool case the matrix denies stays denied: windows, approvals, ungranted actions, other agents' tools, revocation.
  const denied = MATRIX.filter((c) => c.expected === 'DENY' && parseCall(c).kind === 'tool');
  it.each(denied.map((c) => [caseName(c), c] as const))('still denied: %s', (_name, c) => {
    expect(withPermitAll(c)).toBe('DENY');
  });
  it('the matrix has denied tool cases of each kind to try', () => {
    expect(denied.length).toBeGreaterThan(5);
  });
});
