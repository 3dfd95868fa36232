/**
 * The access matrix: requests derived from what was applied (roles by path and tags, secrets, log
 * groups, route entries, endpoints) and from the threat model's attackers (principals.ts), each
 * with the decision the governance design requires, evaluated against the applied policies
 * together (identity, boundary, resource, endpoint). One file per concern under rows/:
 *  - gateway-routes: issue 11 break 1, granted routes, nobody but governed roles, integration
 *    identities never callers;
 *  - secrets, key-grants: issue 12 item 3;
 *  - audit-writes: issue 12 item 4;
 *  - revocation: every revoked identity denied everything, also in earlier sessions;
 *  - endpoints: issue 16 item 6;
 *  - integration-trust: the gateway function assumes integration identities with a source identity;
 *  - models: direct model calls, and each integration identity's own model with its guardrail.
 * The expectation comes from tags, paths, route entries and the declared grants
 * (expected-grants.ts), never from the policies under test.
 */
import type { Tally } from '../tally';
import { evaluate, type AccessRequest, type AccessResult } from './evaluate';
import { limitationFor, SIMULATOR_LIMITATIONS, type SimulatorLimitation } from './limitations';
import { PolicyWorld, type WorldResource } from './policy-world';
import { auditWriteRequests } from './rows/audit-writes';
import { endpointRequests } from './rows/endpoints';
import { gatewayRouteRequests, methodChecks } from './rows/gateway-routes';
import { integrationTrustRequests } from './rows/integration-trust';
import { keyGrantRequests } from './rows/key-grants';
import { modelRequests } from './rows/models';
import { revocationRequests, revokedRoles } from './rows/revocation';
import { secretRequests } from './rows/secrets';
import { rolesOfKind } from './identities';

export interface MatrixSummary {
  tried: number;
  asExpected: number;
  allowed: number;
  denied: number;
  /** Rows the evaluator cannot decide (limitations.ts), listed, never counted as passed. */
  limitations: number;
  /** Revoked identities (role names) and their rows: denied / tried. */
  revoked: { names: string[]; denied: number; tried: number };
  /** Rows per concern, in the order they ran. */
  concerns: Array<{ concern: string; rows: number }>;
}

/** moto's account and the examples' Region, for ARNs of principals and resources the examples do not create. */
function accountAndRegion(world: PolicyWorld): { account: string; region: string } {
  const arn = world.roles[0]?.arn ?? '';
  const region = world.secrets[0]?.arn.split(':')[3] || world.logGroups[0]?.arn.split(':')[3] || 'eu-west-1';
  return { account: arn.split(':')[4] || '123456789012', region };
}

function describe(r: AccessResult): string {
  const q = r.request;
  const who = q.principal === 'anonymous' ? 'anonymous' : q.principal.name;
  return `${q.matrix}: ${who} ${q.action} ${q.resource}${q.viaEndpoint ? ` via ${q.viaEndpoint.id}` : ''}`;
}

export async function runAccessMatrix(resources: readonly WorldResource[], tally: Tally, limitations: readonly SimulatorLimitation[] = SIMULATOR_LIMITATIONS): Promise<MatrixSummary> {
  const world = new PolicyWorld(resources);
  for (const p of world.problems) console.log(`  note: ${p}`);
  const summary: MatrixSummary = { tried: 0, asExpected: 0, allowed: 0, denied: 0, limitations: 0, revoked: { names: [], denied: 0, tried: 0 }, concerns: [] };
  const workloads = rolesOfKind(world, 'workload');
  if (workloads.length === 0) {
    tally.fail('access matrix', 'no workload identity (IAM role under /governed/<env>/) was applied: nothing to evaluate');
    return summary;
  }
  const revoked = revokedRoles(world);
  summary.revoked.names = revoked.map((r) => r.name);
  console.log(
    `  ${workloads.length} workload identities, ${rolesOfKind(world, 'integration').length} integration identities, ${rolesOfKind(world, 'platform').length} platform roles (${revoked.length} revoked identities), ${world.secrets.length} secrets, ${world.methods.length} gateway methods`,
  );
  for (const c of methodChecks(world)) tally.check(c.what, c.ok, c.why, c.detail);

  const { account, region } = accountAndRegion(world);
  const concerns: Array<[string, AccessRequest[]]> = [
    ['gateway routes', gatewayRouteRequests(world, account, region)],
    ['secrets', secretRequests(world, account)],
    ['key grants', keyGrantRequests(world, account)],
    ['audit writes', auditWriteRequests(world)],
    ['revocation', revocationRequests(world)],
    ['endpoints', endpointRequests(world, account, region)],
    ['integration trust', integrationTrustRequests(world)],
    ['models', modelRequests(world, account, region)],
  ];
  const met = new Set<SimulatorLimitation>();
  for (const [concern, requests] of concerns) {
    summary.concerns.push({ concern, rows: requests.length });
    console.log(`  -- ${concern}: ${requests.length} requests`);
    for (const request of requests) {
      let result: AccessResult;
      try {
        result = await evaluate(world, request);
      } catch (e) {
        result = { request, detail: '', ignoredContextKeys: [], error: (e as Error).message };
      }
      summary.tried++;
      if (result.error) {
        tally.fail(`access ${describe(result)}`, result.error);
        continue;
      }
      if (result.ignoredContextKeys.length > 0) {
        const limitation = limitationFor(request.action, result.ignoredContextKeys, limitations);
        if (limitation) {
          met.add(limitation);
          summary.limitations++;
          console.log(`  limitation  access ${describe(result)}  (iam-simulate ignores ${result.ignoredContextKeys.join(', ')}: ${limitation.reason}; expected ${request.expected}, evaluated ${result.detail})`);
        } else {
          tally.fail(
            `access ${describe(result)}`,
            `iam-simulate ignored ${result.ignoredContextKeys.join(', ')} for ${request.action}, which this row depends on: the row proves nothing. Declare the gap in scripts/e2e/access/limitations.ts with its reason, or change the row`,
          );
        }
        continue;
      }
      if (result.decision === 'Allowed') summary.allowed++;
      else summary.denied++;
      const ok = result.decision === request.expected;
      if (ok) summary.asExpected++;
      if (concern === 'revocation') {
        summary.revoked.tried++;
        if (result.decision === 'Denied') summary.revoked.denied++;
      }
      tally.check(`access ${describe(result)}`, ok, `expected ${request.expected}, got ${result.detail}`, `${result.decision === 'Allowed' ? 'allowed' : 'denied'} as expected (${result.detail})`);
    }
  }
  for (const l of limitations.filter((x) => !met.has(x))) {
    tally.fail(`access matrix limitation ${l.key} (${l.actions.source})`, `declared in scripts/e2e/access/limitations.ts but no row met it: iam-simulate evaluates it now; remove the entry so the rows count again`);
  }
  if (revoked.length > 0 && summary.revoked.tried === 0) tally.fail('access matrix: revocation', `${revoked.map((r) => r.name).join(', ')} are revoked but no row tried any of their grants`);
  return summary;
}
