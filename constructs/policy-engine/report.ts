import { AWS_TAGGABLE_TYPES } from './aws-taggable-types';
import { controlLabel, FRAMEWORKS, FrameworkControl } from './frameworks';
import { documents, identityPolicies, lookupPolicy, PolicyLookup } from './iam';
import type { Finding, Rule, StackEvaluation } from './rule-engine';
import { TAG_KEYS } from '../governance/tags';
import { parseTenantsTag } from '../governance/tenants';
import { blocks, StackModel, TfResource } from './terraform-json';

/**
 * The governance report of one stack: what a reviewer needs to see without reading Terraform
 * JSON. Written as governance.json (schema below, versioned by `schemaVersion`) and governance.md.
 * Values the engine could not resolve are shown as their expression (`${...}`).
 */

export const REPORT_SCHEMA_VERSION = 2;

/** File names of the report, next to each stack's cdk.tf.json. */
export const REPORT_JSON = 'governance.json';
export const REPORT_MARKDOWN = 'governance.md';

export interface WorkloadEntry {
  readonly workload: string;
  readonly environment: string;
  readonly owner: string;
  readonly accountable: string;
  readonly approver: string;
  readonly revoker: string;
  readonly reviewBy: string;
  readonly dataClassification: string;
  /** `inference-service`, `agent`, or '' (the environment's shared pieces). */
  readonly kind: string;
  /** Tenants whose data the workload handles (`governance:tenants`), or `['all']`. */
  readonly tenants: readonly string[];
  readonly revoked: boolean;
  readonly resources: number;
}

export interface PermissionEntry {
  /** Where the statement lives: `aws_iam_role.x inline_policy`, `aws_iam_role_policy.y`, ... */
  readonly policy: string;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: readonly string[];
}

export interface IdentityEntry {
  readonly address: string;
  readonly constructPath?: string;
  readonly name: string;
  readonly path: string;
  readonly maxSessionSeconds: number | string;
  readonly permissionsBoundary: string;
  readonly trustedPrincipals: readonly string[];
  readonly permissions: readonly PermissionEntry[];
  /** Policies the report could not read (expressions), by attribute. */
  readonly unreadablePolicies: readonly string[];
}

export interface SecretEntry {
  readonly address: string;
  readonly constructPath?: string;
  readonly name: string;
  readonly kmsKeyId: string;
  readonly rotationDays: number | string | null;
}

export interface EndpointEntry {
  readonly address: string;
  readonly kind: string;
  readonly service: string;
  readonly privateDns: boolean | string | null;
}

export interface RouteEntry {
  readonly address: string;
  readonly httpMethod: string;
  readonly authorization: string;
  readonly apiKeyRequired: boolean | string | null;
}

export interface QuotaEntry {
  readonly address: string;
  readonly name: string;
  readonly throttle: { readonly burstLimit: unknown; readonly rateLimit: unknown } | null;
  readonly quota: { readonly limit: unknown; readonly period: unknown } | null;
}

export interface LogSinkEntry {
  readonly address: string;
  readonly name: string;
  readonly retentionDays: unknown;
  readonly kmsKeyId: string;
}

export interface NamedEntry {
  readonly address: string;
  readonly name: string;
  readonly detail: string;
}

export interface RuleResultEntry {
  readonly ruleId: string;
  readonly level: Rule['level'];
  readonly summary: string;
  readonly frameworks: readonly string[];
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly cannotVerify: number;
  readonly notApplicable: number;
  readonly excepted: number;
}

export interface ExceptionEntry {
  readonly ruleId: string;
  readonly constructPath: string;
  readonly reason: string;
  readonly approver: string;
  readonly ticket: string;
  readonly expires: string;
  readonly state: 'active' | 'expired' | 'stale' | 'invalid';
  readonly covered: number;
}

export type CoverageStatus = 'met' | 'not met' | 'unverified' | 'not exercised';

export interface CoverageEntry {
  readonly framework: string;
  /** The published id (`NHI7:2025`, `ASI03`, `GOVERN 2.1`, `GV.RR-02`, MAESTRO layer `L4`). */
  readonly control: string;
  /** The published title. */
  readonly title: string;
  /** The label the seed guidance gives the control, where it cites one ("NHI-03", "A2", "TRUST"). */
  readonly citedAs: string | null;
  /** Where the framework publishes the control. */
  readonly source: string;
  readonly rules: readonly string[];
  /** not met: an error finding remains; unverified: only cannot-verify or excepted; not exercised: no resource to check. */
  readonly status: CoverageStatus;
}

export interface GovernanceReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly stack: string;
  readonly input: StackModel['input'];
  readonly generatedAt: string;
  readonly summary: {
    readonly resources: number;
    readonly errors: number;
    readonly warnings: number;
    readonly excepted: number;
    readonly passed: boolean;
  };
  readonly workloads: readonly WorkloadEntry[];
  readonly identities: readonly IdentityEntry[];
  readonly secrets: readonly SecretEntry[];
  readonly endpoints: readonly EndpointEntry[];
  readonly gatewayRoutes: readonly RouteEntry[];
  readonly quotas: readonly QuotaEntry[];
  readonly logSinks: readonly LogSinkEntry[];
  readonly guardrails: readonly NamedEntry[];
  readonly budgets: readonly NamedEntry[];
  readonly ruleResults: readonly RuleResultEntry[];
  readonly findings: readonly Finding[];
  readonly exceptions: readonly ExceptionEntry[];
  readonly frameworkCoverage: readonly CoverageEntry[];
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function nameOf(r: TfResource): string {
  return text(r.values.name ?? r.values.name_prefix ?? r.name);
}

function workloads(stack: StackModel): WorkloadEntry[] {
  const byKey = new Map<string, WorkloadEntry & { resources: number }>();
  for (const r of stack.resources) {
    // Provider default tags reach only resources that can carry tags.
    if (r.mode !== 'managed' || !AWS_TAGGABLE_TYPES.has(r.type)) continue;
    const t = r.effectiveTags;
    const workload = text(t[TAG_KEYS.workload]);
    if (!workload) continue;
    const environment = text(t[TAG_KEYS.environment]);
    const key = `${workload}\u0000${environment}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.resources++;
      continue;
    }
    byKey.set(key, {
      workload,
      environment,
      owner: text(t[TAG_KEYS.owner]),
      accountable: text(t[TAG_KEYS.accountable]),
      approver: text(t[TAG_KEYS.approver]),
      revoker: text(t[TAG_KEYS.revoker]),
      reviewBy: text(t[TAG_KEYS.reviewBy]),
      dataClassification: text(t[TAG_KEYS.dataClassification]),
      kind: text(t[TAG_KEYS.kind]),
      tenants: parseTenantsTag(t[TAG_KEYS.tenants]),
      revoked: text(t[TAG_KEYS.revokedBy]) !== '',
      resources: 1,
    });
  }
  return [...byKey.values()];
}

function permissionsFrom(label: string, lookup: PolicyLookup): PermissionEntry[] {
  return documents([lookup]).flatMap((doc) =>
    doc.statements.map((s) => ({
      policy: label,
      sid: s.sid,
      effect: s.effect,
      actions: s.actions ?? (s.notActions ? s.notActions.map((a) => `NOT ${a}`) : []),
      resources: s.resources ?? (s.notResources ? s.notResources.map((a) => `NOT ${a}`) : []),
      conditions: s.conditions.map((c) => `${c.operator} ${c.key} ${c.values.join(',')}`),
    })),
  );
}

const IDENTITIES = new WeakMap<StackModel, IdentityEntry[]>();

/** Every role of a stack with its trust and effective permissions (read once per stack: the review diff and the report both ask). */
export function identitiesOf(stack: StackModel): IdentityEntry[] {
  let identities = IDENTITIES.get(stack);
  if (!identities) IDENTITIES.set(stack, (identities = readIdentities(stack)));
  return identities;
}

function readIdentities(stack: StackModel): IdentityEntry[] {
  return stack.ofType('aws_iam_role').map((role) => {
    const labelled: { label: string; lookup: PolicyLookup }[] = identityPolicies(stack, role).map((lookup) => ({
      label: `${role.address} inline_policy`,
      lookup,
    }));
    for (const p of stack.referencing('aws_iam_role_policy', 'role', role)) labelled.push({ label: p.address, lookup: lookupPolicy(stack, p, 'policy') });
    for (const a of stack.referencing('aws_iam_role_policy_attachment', 'role', role)) {
      const refs = [...(a.references.get('policy_arn') ?? [])].map((x) => stack.byAddress(x)).filter((x): x is TfResource => x?.type === 'aws_iam_policy');
      // An AWS managed policy is read from its document; one the engine cannot read is listed as unreadable.
      if (refs.length === 0) for (const lookup of identityPolicies(stack, a)) labelled.push({ label: text(a.values.policy_arn), lookup });
      for (const p of refs) labelled.push({ label: p.address, lookup: lookupPolicy(stack, p, 'policy') });
    }
    const trust = documents([lookupPolicy(stack, role, 'assume_role_policy')]).flatMap((d) =>
      d.statements.flatMap((s) => [
        ...(s.principals === '*' ? ['*'] : Object.entries(s.principals ?? {}).flatMap(([t, ids]) => ids.map((id) => `${t}:${id}`))),
        // NotPrincipal in an Allow trusts everyone but these: say so rather than list nobody.
        ...(s.notPrincipals === undefined ? [] : s.notPrincipals === '*' ? ['NOT *'] : Object.entries(s.notPrincipals).flatMap(([t, ids]) => ids.map((id) => `NOT ${t}:${id}`))),
      ]),
    );
    return {
      address: role.address,
      constructPath: role.constructPath,
      name: nameOf(role),
      path: text(role.values.path) || '/',
      maxSessionSeconds: (role.values.max_session_duration as number | string | undefined) ?? 3600,
      permissionsBoundary: text(role.values.permissions_boundary),
      trustedPrincipals: trust,
      permissions: labelled.flatMap(({ label, lookup }) => permissionsFrom(label, lookup)),
      unreadablePolicies: labelled.filter((l) => l.lookup.kind === 'unresolved').map((l) => `${l.label}: ${(l.lookup as { reason: string }).reason}`),
    };
  });
}

function secrets(stack: StackModel): SecretEntry[] {
  return stack.ofType('aws_secretsmanager_secret').map((s) => {
    const rotation = stack.referencing('aws_secretsmanager_secret_rotation', 'secret_id', s)[0];
    const rules = rotation ? blocks(rotation.values.rotation_rules)[0] : undefined;
    return {
      address: s.address,
      constructPath: s.constructPath,
      name: nameOf(s),
      kmsKeyId: text(s.values.kms_key_id),
      rotationDays: rules ? ((rules.automatically_after_days ?? rules.schedule_expression ?? null) as number | string | null) : null,
    };
  });
}

function endpoints(stack: StackModel): EndpointEntry[] {
  return [
    ...stack.ofType('aws_vpc_endpoint').map((e) => ({
      address: e.address,
      kind: `vpc endpoint (${text(e.values.vpc_endpoint_type) || 'Gateway'})`,
      service: text(e.values.service_name),
      privateDns: (e.values.private_dns_enabled as boolean | string | undefined) ?? null,
    })),
    ...stack.ofType('aws_sagemaker_endpoint').map((e) => ({ address: e.address, kind: 'sagemaker endpoint', service: nameOf(e), privateDns: null })),
  ];
}

function routes(stack: StackModel): RouteEntry[] {
  return [
    ...stack.ofType('aws_api_gateway_method').map((m) => ({
      address: m.address,
      httpMethod: text(m.values.http_method),
      authorization: text(m.values.authorization),
      apiKeyRequired: (m.values.api_key_required as boolean | string | undefined) ?? null,
    })),
    ...stack.ofType('aws_apigatewayv2_route').map((m) => ({
      address: m.address,
      httpMethod: text(m.values.route_key),
      authorization: text(m.values.authorization_type) || 'NONE',
      apiKeyRequired: (m.values.api_key_required as boolean | string | undefined) ?? null,
    })),
  ];
}

function quotas(stack: StackModel): QuotaEntry[] {
  return stack.ofType('aws_api_gateway_usage_plan').map((u) => {
    const t = blocks(u.values.throttle_settings)[0];
    const q = blocks(u.values.quota_settings)[0];
    return {
      address: u.address,
      name: nameOf(u),
      throttle: t ? { burstLimit: t.burst_limit ?? null, rateLimit: t.rate_limit ?? null } : null,
      quota: q ? { limit: q.limit ?? null, period: q.period ?? null } : null,
    };
  });
}

function coverage(evaluation: StackEvaluation, rules: readonly Rule[]): CoverageEntry[] {
  const controls = new Map<string, { control: FrameworkControl; rules: Rule[] }>();
  for (const rule of rules) {
    for (const c of rule.frameworks) {
      const key = controlLabel(c);
      const entry = controls.get(key) ?? { control: c, rules: [] };
      entry.rules.push(rule);
      controls.set(key, entry);
    }
  }
  const tally = new Map(evaluation.tallies.map((t) => [t.ruleId, t]));
  const failing = new Set(evaluation.errors.map((f) => f.ruleId));
  return [...controls.values()]
    .sort((a, b) => FRAMEWORKS.indexOf(a.control.framework) - FRAMEWORKS.indexOf(b.control.framework) || a.control.id.localeCompare(b.control.id))
    .map(({ control, rules: rs }) => {
      const ids = rs.map((r) => r.id);
      const exercised = ids.some((id) => {
        const t = tally.get(id);
        return t && t.compliant + t.nonCompliant + t.cannotVerify > 0;
      });
      const unverified = ids.some((id) => {
        const t = tally.get(id);
        return t && (t.cannotVerify > 0 || t.excepted > 0);
      });
      const status: CoverageStatus = ids.some((id) => failing.has(id)) ? 'not met' : !exercised ? 'not exercised' : unverified ? 'unverified' : 'met';
      return { framework: control.framework, control: control.id, title: control.title, citedAs: control.citedAs ?? null, source: control.source, rules: ids, status };
    });
}

export function buildReport(stack: StackModel, evaluation: StackEvaluation, rules: readonly Rule[], now: Date = new Date()): GovernanceReport {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    stack: stack.stackName,
    input: stack.input,
    generatedAt: now.toISOString(),
    summary: {
      resources: stack.resources.filter((r) => r.mode === 'managed').length,
      errors: evaluation.errors.length,
      warnings: evaluation.warnings.length,
      excepted: evaluation.findings.filter((f) => f.exceptedBy).length,
      passed: evaluation.errors.length === 0,
    },
    workloads: workloads(stack),
    identities: identitiesOf(stack),
    secrets: secrets(stack),
    endpoints: endpoints(stack),
    gatewayRoutes: routes(stack),
    quotas: quotas(stack),
    logSinks: stack.ofType('aws_cloudwatch_log_group').map((l) => ({
      address: l.address,
      name: nameOf(l),
      retentionDays: l.values.retention_in_days ?? null,
      kmsKeyId: text(l.values.kms_key_id),
    })),
    guardrails: stack.ofType('aws_bedrock_guardrail').map((g) => ({
      address: g.address,
      name: nameOf(g),
      detail: `blocked input: ${text(g.values.blocked_input_messaging)}`,
    })),
    budgets: stack.ofType('aws_budgets_budget').map((b) => ({
      address: b.address,
      name: nameOf(b),
      detail: `${text(b.values.limit_amount)} ${text(b.values.limit_unit)} per ${text(b.values.time_unit)}`,
    })),
    ruleResults: evaluation.tallies.map((t) => {
      const rule = byId.get(t.ruleId)!;
      return {
        ruleId: t.ruleId,
        level: rule.level,
        summary: rule.summary,
        frameworks: rule.frameworks.map(controlLabel),
        compliant: t.compliant,
        nonCompliant: t.nonCompliant,
        cannotVerify: t.cannotVerify,
        notApplicable: t.notApplicable,
        excepted: t.excepted,
      };
    }),
    findings: evaluation.findings,
    exceptions: evaluation.exceptions.map((e) => ({ ...e.record, state: e.state, covered: e.covered })),
    frameworkCoverage: coverage(evaluation, rules),
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown

function cell(v: unknown): string {
  const s = text(v);
  return (s === '' ? '—' : s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '_none_\n';
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n') + '\n';
}

export function findingsMarkdown(findings: readonly Finding[]): string {
  return table(
    ['level', 'rule', 'construct path', 'address', 'message', 'fix', 'exception'],
    findings.map((f) => [
      f.exceptedBy ? 'excepted' : f.status === 'cannot-verify' ? `${f.level} (cannot verify)` : f.level,
      f.ruleId,
      f.constructPath,
      f.address,
      f.message,
      f.fix,
      f.exceptedBy ? `${f.exceptedBy.approver}, until ${f.exceptedBy.expires} (${f.exceptedBy.ticket})` : '',
    ]),
  );
}

export function reportMarkdown(r: GovernanceReport): string {
  const out: string[] = [];
  out.push(`# Governance report: ${r.stack}\n`);
  out.push(
    `Input: ${r.input} · generated ${r.generatedAt} · ${r.summary.resources} resources · ` +
      `**${r.summary.passed ? 'passed' : 'failed'}**: ${r.summary.errors} errors, ${r.summary.warnings} warnings, ${r.summary.excepted} excepted\n`,
  );
  out.push('## Workloads\n');
  out.push(table(['workload', 'kind', 'environment', 'owner', 'accountable', 'approver', 'revoker', 'review-by', 'classification', 'tenants', 'revoked', 'resources'],
    r.workloads.map((w) => [w.workload, w.kind, w.environment, w.owner, w.accountable, w.approver, w.revoker, w.reviewBy, w.dataClassification, w.tenants.join(' '), w.revoked ? 'yes' : 'no', w.resources])));
  out.push('## Identities and effective permissions\n');
  if (r.identities.length === 0) out.push('_none_\n');
  for (const id of r.identities) {
    out.push(`### ${id.name} (\`${id.address}\`)\n`);
    out.push(`path ${id.path} · max session ${id.maxSessionSeconds} s · boundary ${cell(id.permissionsBoundary)} · trusts ${cell(id.trustedPrincipals.join(', '))}\n`);
    out.push(table(['policy', 'sid', 'effect', 'actions', 'resources', 'conditions'],
      id.permissions.map((p) => [p.policy, p.sid, p.effect, p.actions.join(', '), p.resources.join(', '), p.conditions.join('; ')])));
    if (id.unreadablePolicies.length) out.push(`Not readable here: ${id.unreadablePolicies.join('; ')}\n`);
  }
  out.push('## Secrets\n');
  out.push(table(['secret', 'address', 'kms key', 'rotation (days)'], r.secrets.map((s) => [s.name, s.address, s.kmsKeyId, s.rotationDays ?? 'none'])));
  out.push('## Endpoints\n');
  out.push(table(['address', 'kind', 'service', 'private DNS'], r.endpoints.map((e) => [e.address, e.kind, e.service, e.privateDns])));
  out.push('## Gateway routes and quotas\n');
  out.push(table(['address', 'method', 'authorization', 'API key required'], r.gatewayRoutes.map((g) => [g.address, g.httpMethod, g.authorization, g.apiKeyRequired])));
  out.push(table(['usage plan', 'address', 'throttle (burst/rate)', 'quota (limit/period)'],
    r.quotas.map((q) => [q.name, q.address, q.throttle ? `${text(q.throttle.burstLimit)}/${text(q.throttle.rateLimit)}` : '', q.quota ? `${text(q.quota.limit)}/${text(q.quota.period)}` : ''])));
  out.push('## Log sinks\n');
  out.push(table(['log group', 'address', 'retention (days)', 'kms key'], r.logSinks.map((l) => [l.name, l.address, l.retentionDays, l.kmsKeyId])));
  out.push('## Guardrails\n');
  out.push(table(['guardrail', 'address', 'detail'], r.guardrails.map((g) => [g.name, g.address, g.detail])));
  out.push('## Budgets\n');
  out.push(table(['budget', 'address', 'limit'], r.budgets.map((b) => [b.name, b.address, b.detail])));
  out.push('## Findings\n');
  out.push(findingsMarkdown(r.findings));
  out.push('## Exceptions\n');
  out.push(table(['rule', 'construct path', 'state', 'expires', 'approver', 'ticket', 'reason', 'findings covered'],
    r.exceptions.map((e) => [e.ruleId, e.constructPath, e.state, e.expires, e.approver, e.ticket, e.reason, e.covered])));
  out.push('## Rule results\n');
  out.push(table(['rule', 'level', 'compliant', 'non-compliant', 'cannot verify', 'excepted', 'not applicable', 'summary'],
    r.ruleResults.map((x) => [x.ruleId, x.level, x.compliant, x.nonCompliant, x.cannotVerify, x.excepted, x.notApplicable, x.summary])));
  out.push('## Framework coverage\n');
  out.push(table(['framework', 'control', 'title', 'cited as', 'status', 'rules'],
    r.frameworkCoverage.map((c) => [c.framework, c.control, c.title, c.citedAs ?? '', c.status, c.rules.join(', ')])));
  return out.join('\n');
}
