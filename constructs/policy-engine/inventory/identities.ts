import { K8S_PREFIX, REQUIRED_TAG_KEYS, TAG_KEYS } from '../../governance/tags';
import { ALL_TENANTS, parseTenantsTag } from '../../governance/tenants';
import { PLATFORM_WORKLOAD } from '../../governance/governance-tags';
import { identitiesOf, type IdentityEntry } from '../report';
import { blocks, isSet, isUnresolvedValue, type StackModel, type TfResource } from '../terraform-json';
import { reviewStanding, type ReviewState } from './review';

/**
 * The inventory of AI identities across any number of inputs (synthesized stacks, plans, states):
 * every IAM role, grouped by the workload its governance tags name, with who answers for it, when
 * it must be reviewed, what data and tenants it handles, which models, tools and secrets it
 * touches, and whether it is revoked. Roles without the governance tags are listed apart, never
 * dropped.
 *
 * Where each fact comes from (the same in every input kind):
 * - owner, people, review-by, classification, tenants, kind, revocation: the role's effective tags;
 * - models: Bedrock model and SageMaker endpoint ARNs the roles may invoke, governed services
 *   they may call through the gateway, and the agent's Cedar model permits;
 * - tools: the agent's Cedar tool permits (`aws_verifiedpermissions_policy`), and Lambda functions
 *   its roles may invoke;
 * - secrets: Secrets Manager secrets tagged with the workload, and secrets its roles may read.
 * Values an input cannot know (expressions in synthesized JSON, unknowns in a plan) are left out
 * of these lists rather than shown as expressions.
 */

export type InventorySourceKind = 'synth' | 'plan' | 'state';

export interface InventorySource {
  /** The file the stack came from (a cdk.tf.json, a plan JSON, a state JSON). */
  readonly file: string;
  readonly kind: InventorySourceKind;
  readonly model: StackModel;
}

export type IdentityKind = 'inference-service' | 'agent' | 'platform' | 'unknown';

export interface InventoryRole {
  readonly name: string;
  /** Known from a state; absent in synthesized JSON and plans. */
  readonly arn?: string;
  readonly path: string;
  readonly address: string;
  readonly stacks: readonly string[];
}

export interface InventoryIdentity {
  readonly environment: string;
  readonly workload: string;
  readonly kind: IdentityKind;
  readonly owner: string;
  readonly accountable: string;
  readonly approver: string;
  readonly revoker: string;
  readonly reviewBy: string;
  readonly daysLeft: number | null;
  readonly review: ReviewState;
  readonly dataClassification: string;
  /** Tenant ids, or `['all']` for every tenant of the environment. */
  readonly tenants: readonly string[];
  readonly models: readonly string[];
  readonly tools: readonly string[];
  readonly secrets: readonly string[];
  readonly revoked: boolean;
  readonly revokedBy?: string;
  readonly revokedAt?: string;
  readonly revokedReason?: string;
  readonly roles: readonly InventoryRole[];
  /** What each role may do: `<role>: <actions> on <resources>` per Allow statement. */
  readonly permissions: readonly string[];
  /** The inputs it was found in. */
  readonly sources: readonly string[];
  /** Facts that differ between inputs (`approver: a@x in f1, b@x in f2`): the first input's value is shown. */
  readonly conflicts: readonly string[];
}

export interface UngovernedIdentity {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly stack: string;
  readonly source: string;
  /** Governance tags it lacks (or `tags unreadable` when its tags are an expression). */
  readonly missingTags: readonly string[];
  readonly trustedPrincipals: readonly string[];
}

export interface Inventory {
  /** The day reviews are counted from (UTC), YYYY-MM-DD. */
  readonly today: string;
  /** Days ahead that count as due. */
  readonly windowDays: number;
  readonly identities: readonly InventoryIdentity[];
  readonly ungoverned: readonly UngovernedIdentity[];
  readonly sources: readonly { readonly file: string; readonly kind: InventorySourceKind; readonly stack: string; readonly roles: number }[];
}

/** IAM principals that are identities: roles, and users (which governed stacks never have). */
const IDENTITY_TYPES = ['aws_iam_role', 'aws_iam_user'];

/** Fact tags compared across inputs. */
const COMPARED: readonly (keyof typeof TAG_KEYS)[] = ['owner', 'accountable', 'approver', 'revoker', 'reviewBy', 'dataClassification', 'tenants', 'kind', 'revokedBy'];

interface Accumulator {
  environment: string;
  workload: string;
  tags: Record<string, string>;
  firstSource: string;
  roles: Map<string, { name: string; arn?: string; path: string; address: string; stacks: Set<string> }>;
  models: Set<string>;
  tools: Set<string>;
  secrets: Set<string>;
  permissions: Set<string>;
  sources: Set<string>;
  conflicts: Set<string>;
  agent: boolean;
}

function text(v: unknown): string {
  return typeof v === 'string' && !isUnresolvedValue(v) ? v : '';
}

/** Builds the inventory of the given inputs, counting reviews from `today` with a window of `windowDays`. */
export function buildInventory(sources: readonly InventorySource[], today: Date, windowDays: number): Inventory {
  const byKey = new Map<string, Accumulator>();
  const ungoverned: UngovernedIdentity[] = [];
  const agentsByPrincipal = new Map<string, { models: Set<string>; tools: Set<string> }>();

  for (const source of sources) {
    collectCedar(source.model, agentsByPrincipal);
    const entries = new Map(identitiesOf(source.model).map((e) => [e.address, e]));
    for (const type of IDENTITY_TYPES) {
      for (const r of source.model.ofType(type)) {
        if (r.mode !== 'managed') continue;
        const entry = entries.get(r.address);
        const missing = missingTags(r);
        if (missing.length > 0 || type !== 'aws_iam_role') {
          ungoverned.push({
            type,
            name: text(r.values.name) || r.name,
            address: r.address,
            stack: source.model.stackName,
            source: source.file,
            missingTags: type === 'aws_iam_role' ? missing : ['an IAM user is never a governed identity', ...missing],
            trustedPrincipals: entry?.trustedPrincipals ?? [],
          });
          continue;
        }
        addRole(byKey, source, r, entry);
      }
    }
    collectSecrets(source.model, byKey);
    collectModels(source.model, byKey);
  }

  const identities = [...byKey.values()].map((a) => finish(a, agentsByPrincipal, today, windowDays));
  identities.sort((x, y) => x.environment.localeCompare(y.environment) || x.workload.localeCompare(y.workload));
  ungoverned.sort((x, y) => x.stack.localeCompare(y.stack) || x.address.localeCompare(y.address));
  return {
    today: today.toISOString().slice(0, 10),
    windowDays,
    identities,
    ungoverned,
    sources: sources.map((s) => ({ file: s.file, kind: s.kind, stack: s.model.stackName, roles: s.model.ofType('aws_iam_role').filter((r) => r.mode === 'managed').length })),
  };
}

function missingTags(r: TfResource): string[] {
  if (r.tagsUnresolved) return ['tags unreadable (an expression)'];
  return REQUIRED_TAG_KEYS.filter((k) => !isSet(r.effectiveTags[k]) || isUnresolvedValue(r.effectiveTags[k]));
}

function addRole(byKey: Map<string, Accumulator>, source: InventorySource, r: TfResource, entry: IdentityEntry | undefined): void {
  const tags = r.effectiveTags;
  const environment = text(tags[TAG_KEYS.environment]);
  const workload = text(tags[TAG_KEYS.workload]);
  const key = `${environment}\u0000${workload}`;
  let a = byKey.get(key);
  const facts: Record<string, string> = {};
  for (const k of Object.values(TAG_KEYS)) if (text(tags[k])) facts[k] = text(tags[k]);
  if (!a) {
    a = {
      environment, workload, tags: facts, firstSource: source.file, roles: new Map(), models: new Set(), tools: new Set(), secrets: new Set(),
      permissions: new Set(), sources: new Set(), conflicts: new Set(), agent: false,
    };
    byKey.set(key, a);
  } else {
    for (const k of COMPARED) {
      const tag = TAG_KEYS[k];
      const mine = a.tags[tag] ?? '';
      const theirs = facts[tag] ?? '';
      if (mine !== theirs) a.conflicts.add(`${tag}: ${mine ? JSON.stringify(mine) : 'none'} in ${a.firstSource}, ${theirs ? JSON.stringify(theirs) : 'none'} in ${source.file}`);
    }
  }
  a.sources.add(source.file);
  const name = text(r.values.name) || r.name;
  const role = a.roles.get(name) ?? { name, path: text(r.values.path) || '/', address: r.address, stacks: new Set<string>() };
  const arn = text(r.values.arn);
  if (arn) role.arn = arn;
  role.stacks.add(source.model.stackName);
  a.roles.set(name, role);
  for (const p of entry?.permissions ?? []) {
    if (p.effect !== 'Allow') continue;
    a.permissions.add(`${name}: ${p.actions.join(', ')} on ${p.resources.join(', ')}`);
    for (const action of p.actions) {
      for (const resource of p.resources) touch(a, action, resource);
    }
  }
}

/**
 * What one allowed action on one resource says about models, tools and secrets. An ARN whose
 * region or account is an expression (a contract value) still names its model, function or
 * secret in its literal tail; a name that is itself an expression is left out.
 */
function touch(a: Accumulator, action: string, resource: string): void {
  if (resource === '*') return;
  const act = action.toLowerCase();
  const add = (into: Set<string>, prefix: string, m: RegExpExecArray | null) => {
    if (m && !isUnresolvedValue(m[1]) && !m[1].includes('*')) into.add(`${prefix}${m[1]}`);
  };
  if (act.startsWith('bedrock:invokemodel')) add(a.models, 'bedrock:', /:(?:foundation-model|inference-profile|application-inference-profile)\/([^$]+)$/.exec(resource));
  else if (act === 'sagemaker:invokeendpoint' || act === 'sagemaker:invokeendpointasync') add(a.models, 'sagemaker-endpoint:', /:endpoint\/([^$]+)$/.exec(resource));
  else if (act === 'execute-api:invoke') {
    const m = /\/workloads\/([^/*$]+)\//.exec(resource);
    if (m && m[1] !== a.workload) a.models.add(`service:${m[1]}`);
  } else if (act === 'lambda:invokefunction') add(a.tools, 'lambda:', /:function:([^:$]+)/.exec(resource));
  else if (act === 'secretsmanager:getsecretvalue') add(a.secrets, '', /:secret:([^$]+)$/.exec(resource));
}

/**
 * Secrets Manager secrets tagged with a workload: the secrets it owns. A governed secret has a
 * name_prefix (Terraform appends a 26-digit id, known only after apply): it is listed by its
 * prefix, so the synthesized output, a plan and a state name it alike.
 */
function collectSecrets(model: StackModel, byKey: Map<string, Accumulator>): void {
  for (const s of model.ofType('aws_secretsmanager_secret')) {
    const t = s.effectiveTags;
    const a = byKey.get(`${text(t[TAG_KEYS.environment])}\u0000${text(t[TAG_KEYS.workload])}`);
    const prefix = text(s.values.name_prefix);
    const name = prefix ? prefix.replace(/-$/, '') : text(s.values.name);
    if (a && name) a.secrets.add(name);
  }
}

/**
 * Models a service serves itself: its SageMaker endpoint (by name) and model image, or the image
 * of its Kubernetes deployment (labelled with the governance facts).
 */
function collectModels(model: StackModel, byKey: Map<string, Accumulator>): void {
  const ofTags = (t: Record<string, unknown>) => byKey.get(`${text(t[TAG_KEYS.environment])}\u0000${text(t[TAG_KEYS.workload])}`);
  for (const e of model.ofType('aws_sagemaker_endpoint')) {
    const name = text(e.values.name);
    if (name) ofTags(e.effectiveTags)?.models.add(`sagemaker-endpoint:${name}`);
  }
  for (const m of model.ofType('aws_sagemaker_model')) {
    for (const c of blocks(m.values.primary_container)) if (text(c.image)) ofTags(m.effectiveTags)?.models.add(`image:${text(c.image)}`);
  }
  for (const type of ['kubernetes_deployment_v1', 'kubernetes_deployment']) {
    for (const d of model.ofType(type)) {
      const labels = blocks(d.values.metadata)[0]?.labels;
      if (!labels || typeof labels !== 'object') continue;
      const l = labels as Record<string, unknown>;
      const a = byKey.get(`${text(l[`${K8S_PREFIX}environment`])}\u0000${text(l[`${K8S_PREFIX}workload`])}`);
      if (!a) continue;
      for (const spec of blocks(d.values.spec)) for (const t of blocks(spec.template)) for (const ps of blocks(t.spec)) for (const c of blocks(ps.container)) if (text(c.image)) a.models.add(`image:${text(c.image)}`);
    }
  }
}

const PRINCIPAL = /principal\s*==\s*Governance::Agent::"([^"]+)"/;
const ACTION = /action\s*==\s*Governance::Action::"([^"]+)"/;
const TOOL = /resource\s*==\s*Governance::Tool::"([^"]+)"/;
const MODEL = /resource\s*==\s*Governance::Model::"([^"]+)"/;

/** Cedar permits (cedar-policies.ts) of every agent: its models and its tools with their actions. */
function collectCedar(model: StackModel, into: Map<string, { models: Set<string>; tools: Set<string> }>): void {
  for (const p of model.ofType('aws_verifiedpermissions_policy')) {
    const statement = blocks(p.values.definition).flatMap((d) => blocks(d.static)).map((s) => s.statement)[0];
    if (typeof statement !== 'string' || !statement.trimStart().startsWith('permit')) continue;
    const principal = PRINCIPAL.exec(statement)?.[1];
    if (!principal) continue;
    const agent = into.get(principal) ?? { models: new Set<string>(), tools: new Set<string>() };
    into.set(principal, agent);
    const tool = TOOL.exec(statement)?.[1];
    const modelId = MODEL.exec(statement)?.[1];
    if (tool) agent.tools.add(`${tool.split('/').pop()} (${ACTION.exec(statement)?.[1] ?? 'action?'})`);
    else if (modelId) {
      const service = /^[^/]+\/service\/(.+)$/.exec(modelId);
      agent.models.add(service ? `service:${service[1]}` : `bedrock:${modelId}`);
    }
  }
}

function finish(a: Accumulator, agents: Map<string, { models: Set<string>; tools: Set<string> }>, today: Date, windowDays: number): InventoryIdentity {
  const t = a.tags;
  const cedar = agents.get(`${a.environment}/${a.workload}`);
  for (const m of cedar?.models ?? []) a.models.add(m);
  for (const tool of cedar?.tools ?? []) a.tools.add(tool);
  const tagged = t[TAG_KEYS.kind];
  const kind: IdentityKind =
    tagged === 'inference-service' || tagged === 'agent' ? tagged : a.workload === PLATFORM_WORKLOAD ? 'platform' : cedar ? 'agent' : 'unknown';
  const review = reviewStanding(t[TAG_KEYS.reviewBy], today, windowDays);
  const tenants = parseTenantsTag(t[TAG_KEYS.tenants]);
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    environment: a.environment,
    workload: a.workload,
    kind,
    owner: t[TAG_KEYS.owner] ?? '',
    accountable: t[TAG_KEYS.accountable] ?? '',
    approver: t[TAG_KEYS.approver] ?? '',
    revoker: t[TAG_KEYS.revoker] ?? '',
    reviewBy: review.reviewBy,
    daysLeft: review.daysLeft,
    review: review.state,
    dataClassification: t[TAG_KEYS.dataClassification] ?? '',
    tenants: tenants.length === 1 && tenants[0] === ALL_TENANTS ? [ALL_TENANTS] : tenants,
    models: sorted(a.models),
    tools: sorted(a.tools),
    secrets: sorted(a.secrets),
    revoked: t[TAG_KEYS.revokedBy] !== undefined,
    ...(t[TAG_KEYS.revokedBy] !== undefined ? { revokedBy: t[TAG_KEYS.revokedBy], revokedAt: t[TAG_KEYS.revokedAt], revokedReason: t[TAG_KEYS.revokedReason] } : {}),
    roles: [...a.roles.values()].sort((x, y) => x.name.localeCompare(y.name)).map((r) => ({ name: r.name, ...(r.arn ? { arn: r.arn } : {}), path: r.path, address: r.address, stacks: [...r.stacks].sort() })),
    permissions: sorted(a.permissions),
    sources: sorted(a.sources),
    conflicts: sorted(a.conflicts),
  };
}

/** Identities a `--due` run reports: due, overdue or without a readable date; and every ungoverned one. */
export function dueForReview(inventory: Inventory): { identities: InventoryIdentity[]; ungoverned: readonly UngovernedIdentity[] } {
  return { identities: inventory.identities.filter((i) => i.review !== 'ok'), ungoverned: inventory.ungoverned };
}

