import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { agentEntityId, agentPolicies, cedarSchema, CEDAR_TYPES, toolEntityId, type CedarPolicy } from '../../constructs/agent-authorization/cedar-policies';
import { isInsideWindow, WEEKDAYS, type TimeWindow, type TimeWindowInput, type Weekday } from '../../constructs/agent-authorization/time-window';
import type { ToolGrant } from '../../constructs/agent-authorization/tool-grants';
import { ENV, resolve } from './agent-grants.fixture';

/**
 * Time windows across midnight and the week boundary, several windows per tool, and tenants,
 * decided by the real Cedar engine with exactly the context the gateway function sends:
 * `{ dayOfWeek: 'Mon'..'Sun', hourUtc: 0..23, minuteOfDay: 0..1439, approvedBy?, approvalId?, tenant? }`.
 * Requests are validated against the generated schema (validateRequest), so a context of the
 * wrong shape fails the test instead of being ignored.
 */

const AGENT = 'night-ops';
const TOOL = 'pager';

function grant(timeWindow: TimeWindowInput | readonly TimeWindowInput[] | undefined): ToolGrant {
  return {
    name: TOOL,
    target: { kind: 'http', url: 'https://pager.example.com/api' },
    actions: ['read'],
    sensitivity: 'low',
    ...(timeWindow !== undefined ? { timeWindow } : {}),
    credential: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/pager-AbCdEf', rotationDays: 30 },
  };
}

function policiesFor(timeWindow: TimeWindowInput | readonly TimeWindowInput[] | undefined, tenants?: readonly string[]): CedarPolicy[] {
  return agentPolicies({ environment: ENV, agent: AGENT, tools: resolve([grant(timeWindow)]), models: [], ...(tenants !== undefined ? { tenants } : {}) });
}

interface Call {
  readonly day: Weekday;
  /** `HH:MM` UTC. */
  readonly at: string;
  readonly tenant?: string;
}

/** The gateway function's context for a call at `day` `at` (UTC). */
function gatewayContext(call: Call): Record<string, cedar.CedarValueJson> {
  const [h, m] = call.at.split(':').map(Number);
  return { dayOfWeek: call.day, hourUtc: h, minuteOfDay: h * 60 + m, ...(call.tenant !== undefined ? { tenant: call.tenant } : {}) };
}

function decide(policies: readonly CedarPolicy[], context: Record<string, cedar.CedarValueJson>): { decision: 'ALLOW' | 'DENY'; reason: string[] } {
  const answer = cedar.isAuthorized({
    principal: { type: CEDAR_TYPES.agent, id: agentEntityId(ENV, AGENT) },
    action: { type: CEDAR_TYPES.action, id: 'read' },
    resource: { type: CEDAR_TYPES.tool, id: toolEntityId(ENV, AGENT, TOOL) },
    context,
    schema: cedarSchema() as cedar.Schema,
    validateRequest: true,
    policies: { staticPolicies: Object.fromEntries(policies.map((p) => [p.id, p.statement])) },
    entities: [],
  });
  if (answer.type !== 'success') throw new Error(`Cedar failed: ${JSON.stringify(answer.errors)}`);
  if (answer.response.diagnostics.errors.length > 0) throw new Error(`Cedar policy errors: ${JSON.stringify(answer.response.diagnostics.errors)}`);
  return { decision: answer.response.decision === 'allow' ? 'ALLOW' : 'DENY', reason: answer.response.diagnostics.reason };
}

type Row = readonly [string, Call, 'ALLOW' | 'DENY'];

describe("a window across midnight, 'Mon-Fri 22:00-06:00', decided by Cedar", () => {
  const policies = policiesFor('Mon-Fri 22:00-06:00');
  const rows: Row[] = [
    ['Monday one minute before it opens', { day: 'Mon', at: '21:59' }, 'DENY'],
    ['Monday as it opens', { day: 'Mon', at: '22:00' }, 'ALLOW'],
    ['Monday the last minute before midnight', { day: 'Mon', at: '23:59' }, 'ALLOW'],
    ['Tuesday at midnight (the other side of midnight)', { day: 'Tue', at: '00:00' }, 'ALLOW'],
    ['Tuesday the last minute before it closes', { day: 'Tue', at: '05:59' }, 'ALLOW'],
    ['Tuesday as it closes', { day: 'Tue', at: '06:00' }, 'DENY'],
    ['Tuesday at noon', { day: 'Tue', at: '12:00' }, 'DENY'],
    ['Saturday morning (the Friday night window)', { day: 'Sat', at: '05:30' }, 'ALLOW'],
    ['Saturday night (Saturday opens no window)', { day: 'Sat', at: '22:30' }, 'DENY'],
    ['Sunday night (Sunday opens no window)', { day: 'Sun', at: '23:00' }, 'DENY'],
    ['Monday morning (Sunday opened no window: nothing carries over the week boundary)', { day: 'Mon', at: '03:00' }, 'DENY'],
  ];
  it.each(rows)('%s → %s', (_name, call, expected) => {
    expect(decide(policies, gatewayContext(call)).decision).toBe(expected);
  });
});

describe("a window across the week boundary, 'Sun 22:00-06:00', decided by Cedar", () => {
  const policies = policiesFor('Sun 22:00-06:00');
  const rows: Row[] = [
    ['Sunday as it opens', { day: 'Sun', at: '22:00' }, 'ALLOW'],
    ['Sunday before it opens', { day: 'Sun', at: '21:00' }, 'DENY'],
    ['Monday after midnight (the week wrapped)', { day: 'Mon', at: '00:30' }, 'ALLOW'],
    ['Monday the last minute', { day: 'Mon', at: '05:59' }, 'ALLOW'],
    ['Monday as it closes', { day: 'Mon', at: '06:00' }, 'DENY'],
    ['Saturday night', { day: 'Sat', at: '23:00' }, 'DENY'],
    ['Sunday morning (only Sunday night opens)', { day: 'Sun', at: '03:00' }, 'DENY'],
  ];
  it.each(rows)('%s → %s', (_name, call, expected) => {
    expect(decide(policies, gatewayContext(call)).decision).toBe(expected);
  });
});

describe('several windows on one tool, decided by Cedar', () => {
  const policies = policiesFor(['Mon-Fri 08:00-12:00', 'Mon-Fri 13:00-17:30', 'Sat 23:00-01:00']);
  const rows: Row[] = [
    ['inside the first', { day: 'Wed', at: '09:15' }, 'ALLOW'],
    ['in the lunch gap between them', { day: 'Wed', at: '12:30' }, 'DENY'],
    ['inside the second, to the minute', { day: 'Wed', at: '17:29' }, 'ALLOW'],
    ['as the second closes', { day: 'Wed', at: '17:30' }, 'DENY'],
    ['inside the third, before midnight', { day: 'Sat', at: '23:30' }, 'ALLOW'],
    ['inside the third, after midnight', { day: 'Sun', at: '00:30' }, 'ALLOW'],
    ['after the third', { day: 'Sun', at: '01:00' }, 'DENY'],
  ];
  it.each(rows)('%s → %s', (_name, call, expected) => {
    expect(decide(policies, gatewayContext(call)).decision).toBe(expected);
  });
  it('one tool, one permit and one window forbid: the windows are one restriction, not several tools of one name', () => {
    expect(policies.filter((p) => p.effect === 'permit').map((p) => p.id)).toEqual([`tool.${AGENT}.${TOOL}.read`]);
    expect(policies.filter((p) => p.id.startsWith('window.')).map((p) => p.id)).toEqual([`window.${AGENT}.${TOOL}`]);
  });
});

describe('tenants, decided by Cedar', () => {
  const served = policiesFor(undefined, ['acme', 'globex']);
  const none = policiesFor(undefined, []);
  it('a call for a tenant the agent serves is allowed', () => {
    expect(decide(served, gatewayContext({ day: 'Tue', at: '10:00', tenant: 'acme' })).decision).toBe('ALLOW');
  });
  it('a call for a tenant the agent does not serve is denied by the tenant forbid', () => {
    expect(decide(served, gatewayContext({ day: 'Tue', at: '10:00', tenant: 'initech' }))).toEqual({ decision: 'DENY', reason: [`tenants.${AGENT}`] });
  });
  it('a tenant differing only in case is another tenant: denied', () => {
    expect(decide(served, gatewayContext({ day: 'Tue', at: '10:00', tenant: 'ACME' })).decision).toBe('DENY');
  });
  it('a call that names no tenant is decided by the grant alone', () => {
    expect(decide(served, gatewayContext({ day: 'Tue', at: '10:00' })).decision).toBe('ALLOW');
  });
  it('an agent that serves no tenant is denied every call that names one', () => {
    expect(decide(none, gatewayContext({ day: 'Tue', at: '10:00', tenant: 'acme' }))).toEqual({ decision: 'DENY', reason: [`tenants.${AGENT}`] });
  });
  it('the tenant forbid and the windows validate against the schema in strict mode', () => {
    const policies = [...served, ...policiesFor(['Mon-Fri 22:00-06:00', 'Sun 23:00-01:00'], [])].filter((p, i, all) => all.findIndex((q) => q.id === p.id && q.statement === p.statement) === i);
    const answer = cedar.validate({
      schema: cedarSchema() as cedar.Schema,
      policies: { staticPolicies: Object.fromEntries(policies.map((p, i) => [`${p.id}.${i}`, p.statement])) },
      validationSettings: { mode: 'strict' },
    });
    expect(answer).toMatchObject({ type: 'success', validationErrors: [], validationWarnings: [] });
  });
});

describe('a request without minuteOfDay (a caller that sends only the hour) is refused by the schema', () => {
  it('Cedar refuses the request (validateRequest against the STRICT schema): no window is decided on the hour', () => {
    const policies = policiesFor('Sun 22:00-06:00');
    expect(() => decide(policies, { dayOfWeek: 'Sun', hourUtc: 23 })).toThrow(/Cedar failed: .*minuteOfDay/);
  });
});

describe('property: Cedar decides every window as the reference semantics does (fixed seed)', () => {
  const SEED = 20261122;
  const day = fc.constantFrom(...WEEKDAYS);
  const minute = fc.integer({ min: 0, max: 1439 });
  const window: fc.Arbitrary<TimeWindow> = fc
    .record({ days: fc.subarray([...WEEKDAYS], { minLength: 1 }), start: minute, end: fc.integer({ min: 1, max: 1440 }) })
    .filter((w) => w.start !== w.end)
    .map((w) => ({ days: w.days, startMinuteUtc: w.start, endMinuteUtc: w.end }));
  const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

  it('for random windows (across midnight or not, one to three per tool) and random instants', () => {
    fc.assert(
      fc.property(fc.array(window, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(day, minute), { minLength: 1, maxLength: 8 }), (windows, instants) => {
        // Written as people write them, so the parser is in the loop too.
        const inputs = windows.map((w) => `${w.days.join(',')} ${clock(w.startMinuteUtc)}-${clock(w.endMinuteUtc)}`);
        const unique = inputs.filter((w, i) => inputs.indexOf(w) === i);
        const policies = policiesFor(unique);
        for (const [d, m] of instants) {
          const expected = windows.some((w) => isInsideWindow(w, d, m)) ? 'ALLOW' : 'DENY';
          const context = { dayOfWeek: d, hourUtc: Math.floor(m / 60), minuteOfDay: m };
          if (decide(policies, context).decision !== expected) return false;
        }
        return true;
      }),
      { numRuns: 150, seed: SEED, endOnFailure: true },
    );
  });
});
