/**
 * The identities and policies that were applied to the emulator (and the planned values of
 * left-out policy resources such as the REST API policy), gathered across every stack from
 * `terraform show -json`, so an IAM policy evaluator can answer "may this role do that".
 */
import { TAG_KEYS } from '../../../constructs/governance/tags';

export interface WorldResource {
  stack: string;
  address: string;
  type: string;
  values: Record<string, unknown>;
  /** True when the resource was left out of apply and the values come from the plan. */
  planned: boolean;
}

export interface NamedPolicy {
  name: string;
  policy: PolicyDoc;
}

export interface PolicyDoc {
  Version?: string;
  Statement: Statement[] | Statement;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface RoleView {
  address: string;
  arn: string;
  name: string;
  path: string;
  tags: Record<string, string>;
  trust?: PolicyDoc;
  boundary?: NamedPolicy;
  identityPolicies: NamedPolicy[];
}

export interface SecretView {
  address: string;
  arn: string;
  name: string;
  tags: Record<string, string>;
  kmsKeyArn?: string;
}

export interface LogGroupView {
  address: string;
  name: string;
  /** The log group's ARN without the `:*` suffix. */
  arn: string;
  tags: Record<string, string>;
}

export interface EndpointView {
  id: string;
  /** The service part of the endpoint's service name (`secretsmanager`, `execute-api`, ...). */
  service: string;
  vpcId: string;
  environment?: string;
  policy?: PolicyDoc;
}

export interface RestApiView {
  id: string;
  executionArn: string;
  environment?: string;
}

/** A gateway route entry (`/governance/<env>/routes/<name>` or `/agents/<name>`), read from its SSM parameter. */
export interface RouteEntryView {
  environment: string;
  kind: 'routes' | 'agents';
  name: string;
  entry: Record<string, unknown>;
}

export interface KeyView {
  arn: string;
  /** `alias/governed/<env>` for an environment key. */
  aliases: string[];
}

export interface MethodView {
  /** The stack that applied it. */
  stack: string;
  address: string;
  restApiId: string;
  resourceId: string;
  path: string;
  httpMethod: string;
  authorization: string;
  apiKeyRequired: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function parsePolicy(text: unknown, where: string, problems: string[]): PolicyDoc | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text) as PolicyDoc;
  } catch {
    problems.push(`${where}: policy is not JSON`);
    return undefined;
  }
}

export function statementsOf(doc: PolicyDoc | undefined): Statement[] {
  if (!doc) return [];
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

export const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export class PolicyWorld {
  readonly problems: string[] = [];
  readonly roles: RoleView[] = [];
  readonly secrets: SecretView[] = [];
  readonly methods: MethodView[] = [];
  /** Resource policies by the ARN they protect (secrets, keys) or by REST API id. */
  private readonly resourcePolicies = new Map<string, PolicyDoc>();
  /** VPC endpoint id -> endpoint. */
  readonly endpoints = new Map<string, EndpointView>();
  readonly restApis = new Map<string, RestApiView>();
  readonly logGroups: LogGroupView[] = [];
  readonly routeEntries: RouteEntryView[] = [];
  readonly keys: KeyView[] = [];
  /** Audit archive buckets (object lock on), by name. */
  readonly archiveBuckets: string[] = [];

  constructor(readonly resources: readonly WorldResource[]) {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const managed = new Map<string, PolicyDoc>();
    for (const r of of('aws_iam_policy')) {
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      const arn = str(r.values.arn);
      if (doc && arn) managed.set(arn, doc);
    }
    for (const r of of('aws_iam_role')) {
      const v = r.values;
      const name = str(v.name);
      const arn = str(v.arn);
      if (!name || !arn) {
        this.problems.push(`${r.address}: no name/ARN${r.planned ? ' (left out of apply, so unknown)' : ''}`);
        continue;
      }
      const boundaryArn = str(v.permissions_boundary);
      const boundaryDoc = boundaryArn ? managed.get(boundaryArn) : undefined;
      if (boundaryArn && !boundaryDoc) this.problems.push(`${r.address}: permission boundary ${boundaryArn} is not a policy of these stacks`);
      const role: RoleView = {
        address: r.address,
        arn,
        name,
        path: String(v.path ?? '/'),
        tags: (v.tags as Record<string, string>) ?? {},
        trust: parsePolicy(v.assume_role_policy, r.address, this.problems),
        boundary: boundaryDoc ? { name: boundaryArn!, policy: boundaryDoc } : undefined,
        identityPolicies: [],
      };
      this.roles.push(role);
    }
    const roleByNameOrId = (ref: unknown) => this.roles.find((x) => x.name === ref || x.arn === ref);
    for (const r of of('aws_iam_role_policy')) {
      const role = roleByNameOrId(r.values.role);
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      if (!role) this.problems.push(`${r.address}: role ${String(r.values.role)} not found`);
      else if (!doc) this.problems.push(`${r.address}: not evaluated, its policy is unknown (left out of apply, no faithful stand-in)`);
      else role.identityPolicies.push({ name: String(r.values.name ?? r.address), policy: doc });
    }
    for (const r of of('aws_iam_role_policy_attachment')) {
      const role = roleByNameOrId(r.values.role);
      const arn = str(r.values.policy_arn);
      const doc = arn ? managed.get(arn) : undefined;
      if (!role) this.problems.push(`${r.address}: role ${String(r.values.role)} not found`);
      else if (!doc) this.problems.push(`${r.address}: attached policy ${String(arn)} is not a policy of these stacks (AWS managed policies cannot be evaluated here)`);
      else role.identityPolicies.push({ name: arn!, policy: doc });
    }
    for (const r of of('aws_secretsmanager_secret')) {
      const arn = str(r.values.arn);
      if (!arn) {
        this.problems.push(`${r.address}: not evaluated, its ARN is unknown (left out of apply)`);
        continue;
      }
      this.secrets.push({
        address: r.address,
        arn,
        name: String(r.values.name),
        tags: (r.values.tags as Record<string, string>) ?? {},
        kmsKeyArn: str(r.values.kms_key_id),
      });
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      if (doc) this.resourcePolicies.set(arn, doc);
    }
    for (const r of of('aws_secretsmanager_secret_policy')) {
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      const arn = str(r.values.secret_arn);
      if (doc && arn) this.resourcePolicies.set(arn, doc);
    }
    for (const r of of('aws_kms_key')) {
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      const arn = str(r.values.arn);
      if (doc && arn) this.resourcePolicies.set(arn, doc);
    }
    for (const r of of('aws_kms_key_policy')) {
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      const keyId = str(r.values.key_id);
      const key = keyId ? of('aws_kms_key').find((k) => k.values.key_id === keyId || k.values.arn === keyId) : undefined;
      if (doc && key) this.resourcePolicies.set(String(key.values.arn), doc);
    }
    for (const r of of('aws_kms_alias')) {
      const target = str(r.values.target_key_arn) ?? str(r.values.target_key_id);
      const key = of('aws_kms_key').find((k) => k.values.arn === target || k.values.key_id === target);
      if (key) this.keys.push({ arn: String(key.values.arn), aliases: [String(r.values.name)] });
    }
    for (const r of of('aws_vpc_endpoint')) {
      const id = str(r.values.id);
      const tags = (r.values.tags as Record<string, string>) ?? {};
      const service = String(r.values.service_name).replace(/^com\.amazonaws\.[^.]+\./, '');
      if (id) this.endpoints.set(id, { id, service, vpcId: String(r.values.vpc_id), environment: tags[TAG_KEYS.environment], policy: parsePolicy(r.values.policy, r.address, this.problems) });
    }
    for (const r of of('aws_vpc_endpoint_policy')) {
      const e = this.endpoints.get(String(r.values.vpc_endpoint_id));
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      if (e && doc) e.policy = doc;
    }
    for (const r of of('aws_api_gateway_rest_api')) {
      const id = str(r.values.id);
      if (!id) continue;
      this.restApis.set(id, { id, executionArn: String(r.values.execution_arn), environment: ((r.values.tags as Record<string, string>) ?? {})[TAG_KEYS.environment] });
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      if (doc) this.resourcePolicies.set(`restapi:${id}`, doc);
    }
    for (const r of of('aws_api_gateway_rest_api_policy')) {
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      const id = str(r.values.rest_api_id);
      if (doc && id) this.resourcePolicies.set(`restapi:${id}`, doc);
      else this.problems.push(`${r.address}: REST API policy unknown${r.planned ? ' in the plan' : ''}`);
    }
    const resourcePaths = new Map(of('aws_api_gateway_resource').map((r) => [String(r.values.id), String(r.values.path)]));
    for (const r of of('aws_api_gateway_method')) {
      const v = r.values;
      this.methods.push({
        stack: r.stack,
        address: r.address,
        restApiId: String(v.rest_api_id),
        resourceId: String(v.resource_id),
        path: resourcePaths.get(String(v.resource_id)) ?? '/',
        httpMethod: String(v.http_method),
        authorization: String(v.authorization),
        apiKeyRequired: v.api_key_required === true,
      });
    }
    for (const r of of('aws_s3_bucket')) {
      if (r.values.object_lock_enabled === true && str(r.values.bucket)) this.archiveBuckets.push(String(r.values.bucket));
    }
    for (const r of of('aws_s3_bucket_policy')) {
      const doc = parsePolicy(r.values.policy, r.address, this.problems);
      const bucket = str(r.values.bucket);
      if (doc && bucket) this.resourcePolicies.set(`s3:${bucket}`, doc);
    }
    for (const r of of('aws_cloudwatch_log_group')) {
      const arn = str(r.values.arn);
      if (arn) this.logGroups.push({ address: r.address, name: String(r.values.name), arn: arn.replace(/:\*$/, ''), tags: (r.values.tags as Record<string, string>) ?? {} });
    }
    for (const r of of('aws_ssm_parameter')) {
      const m = /^\/governance\/([^/]+)\/(routes|agents)\/([^/]+)$/.exec(String(r.values.name));
      if (!m || typeof r.values.value !== 'string') continue;
      try {
        this.routeEntries.push({ environment: m[1], kind: m[2] as 'routes' | 'agents', name: m[3], entry: JSON.parse(r.values.value) as Record<string, unknown> });
      } catch {
        this.problems.push(`${r.address}: route entry is not JSON`);
      }
    }
  }

  /**
   * The policy of the resource a request is made on: a secret's or key's own, a REST API's for its
   * execute-api ARNs, a bucket's for its objects, a role's trust policy for sts:AssumeRole on it.
   */
  /** The Region the applied resources live in (the first regional ARN), for requests on global ARNs (S3, IAM). */
  get region(): string | undefined {
    const arns = [...this.secrets.map((x) => x.arn), ...this.logGroups.map((x) => x.arn), ...[...this.restApis.values()].map((x) => x.executionArn)];
    return arns.map((a) => a.split(':')[3]).find((r) => r);
  }

  /** Tags of an applied resource (a secret, a role, a log group): AWS sets them as aws:ResourceTag/<key>. */
  tagsFor(resourceArn: string): Record<string, string> {
    const secret = this.secrets.find((x) => x.arn === resourceArn);
    if (secret) return secret.tags;
    const role = this.roles.find((x) => x.arn === resourceArn);
    if (role) return role.tags;
    const group = this.logGroups.find((g) => resourceArn === g.arn || resourceArn.startsWith(`${g.arn}:`));
    return group?.tags ?? {};
  }

  resourcePolicyFor(resourceArn: string): PolicyDoc | undefined {
    const direct = this.resourcePolicies.get(resourceArn);
    if (direct) return direct;
    const api = /^arn:aws:execute-api:[^:]+:[^:]+:([^/]+)\//.exec(resourceArn);
    if (api) return this.resourcePolicies.get(`restapi:${api[1]}`);
    const object = /^arn:aws:s3:::([^/]+)/.exec(resourceArn);
    if (object) return this.resourcePolicies.get(`s3:${object[1]}`);
    return this.roles.find((r) => r.arn === resourceArn)?.trust;
  }

  /** The interface endpoint of `service` in an environment's VPC (the one its workloads' SDKs resolve to). */
  endpointFor(service: string, environment?: string): EndpointView | undefined {
    for (const e of this.endpoints.values()) if (e.service === service && (environment === undefined || e.environment === environment)) return e;
    return undefined;
  }

  /** The environment's key: the one aliased `alias/governed/<env>`. */
  environmentKey(environment: string): KeyView | undefined {
    return this.keys.find((k) => k.aliases.includes(`alias/governed/${environment}`));
  }

  restApiOf(environment: string): RestApiView | undefined {
    for (const api of this.restApis.values()) if (api.environment === environment) return api;
    return undefined;
  }
}
