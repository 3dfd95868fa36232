/**
 * Stand-ins for left-out values another stack reads. The platform's environment contract (an SSM
 * parameter) names the environment's Bedrock guardrail, which moto does not serve, so Terraform
 * cannot create the parameter; yet the product stack reads it. The e2e tier computes the
 * parameter's value with Terraform itself (`terraform console` on the applied state), with each
 * attribute of the unserved resource replaced by a visible stand-in value, and writes it into
 * the emulator. Every substitution is printed. The example is never changed.
 */
import type { LeftOut, TerraformJson } from './terraform-json';
import { blocksOf, referencesIn } from './terraform-json';

export interface StandInPlan {
  address: string;
  /** Resource type of the left-out block: an SSM parameter is written to moto, a policy feeds the access matrix. */
  resourceType: 'aws_ssm_parameter' | 'aws_iam_role_policy';
  /** Parameter name, or the role of a role policy. */
  name: string;
  /** Parameter type (String) or the policy's name. */
  type: string;
  /** HCL expression for `terraform console`, stand-ins substituted. */
  expression: string;
  substitutions: string[];
}

/** Left-out types whose attributes have a faithful stand-in (ids and ARNs keep their shape). */
const STAND_IN_TYPES = [/^aws_bedrock_guardrail/, /^aws_sagemaker_/];

/** Plausible values for attributes of resources moto does not serve or that were applied around. */
export function standInValue(type: string, attribute: string, body: Record<string, unknown>, region: string, account: string): string {
  const id = 'e2estandin00001';
  if (type.startsWith('aws_bedrock_guardrail')) {
    if (attribute === 'guardrail_arn' || attribute === 'arn') return `arn:aws:bedrock:${region}:${account}:guardrail/${id}`;
    if (attribute === 'guardrail_id' || attribute === 'id') return id;
    if (attribute === 'version') return type === 'aws_bedrock_guardrail' ? 'DRAFT' : '1';
  }
  const name = typeof body.name === 'string' && !body.name.includes('${') ? body.name : undefined;
  if (type.startsWith('aws_sagemaker_') && name) {
    const kind = { aws_sagemaker_endpoint: 'endpoint', aws_sagemaker_endpoint_configuration: 'endpoint-config', aws_sagemaker_model: 'model' }[type];
    if (attribute === 'arn' && kind) return `arn:aws:sagemaker:${region}:${account}:${kind}/${name.toLowerCase()}`;
    if (attribute === 'name' || attribute === 'id') return name;
  }
  return `e2e-standin-${type}-${attribute}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A Terraform JSON string (literal text with `${...}` interpolations) as one HCL expression:
 * literal parts are quoted, interpolations kept as code. Undefined when braces do not balance.
 */
export function templateToHcl(value: string): string | undefined {
  const whole = /^\$\{([\s\S]*)\}$/.exec(value);
  const parts: string[] = [];
  let literal = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      literal += '$${';
      i += 3;
    } else if (value.startsWith('${', i)) {
      let depth = 1;
      let j = i + 2;
      let inString = false;
      for (; j < value.length && depth > 0; j++) {
        const c = value[j];
        if (inString) {
          if (c === '\\') j++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{') depth++;
        else if (c === '}') depth--;
      }
      if (depth !== 0) return undefined;
      if (literal) parts.push(JSON.stringify(literal).replace(/\$\{/g, '$${'));
      literal = '';
      parts.push(`(${value.slice(i + 2, j - 1)})`);
      i = j;
    } else {
      literal += value[i++];
    }
  }
  if (literal) parts.push(JSON.stringify(literal).replace(/\$\{/g, '$${'));
  if (whole && parts.length === 1) return parts[0];
  // Literal parts are JSON-quoted (they start with a quote); code parts are parenthesized.
  return `join("", [${parts.map((p) => (p.startsWith('(') ? `tostring${p}` : p)).join(', ')}])`;
}

/**
 * For each left-out SSM parameter or role policy whose value depends only on left-out resources
 * that have faithful stand-ins, the expression to evaluate and what was substituted.
 */
export function planStandIns(json: TerraformJson, leftOut: readonly LeftOut[], region: string, account: string): StandInPlan[] {
  const leftOutSet = new Set(leftOut.map((l) => l.address));
  const blocks = blocksOf(json);
  const byAddress = new Map(blocks.map((b) => [b.address, b]));
  const plans: StandInPlan[] = [];
  for (const b of blocks) {
    if (b.mode !== 'managed' || !leftOutSet.has(b.address)) continue;
    const attribute = b.type === 'aws_ssm_parameter' ? 'value' : b.type === 'aws_iam_role_policy' ? 'policy' : undefined;
    if (!attribute) continue;
    const value = b.body[attribute];
    if (typeof value !== 'string') continue;
    const refs = [...referencesIn({ value }, leftOutSet)];
    if (refs.length === 0 || !refs.every((r) => STAND_IN_TYPES.some((t) => t.test(r.split('.')[0])))) continue;
    let expression = templateToHcl(value);
    if (expression === undefined) continue;
    const substitutions: string[] = [];
    for (const ref of refs) {
      const [type] = ref.split('.');
      const pattern = new RegExp(`${escapeRegExp(ref)}\\.([a-z_]+)`, 'g');
      expression = expression.replace(pattern, (_m, attr: string) => {
        const v = standInValue(type, attr, byAddress.get(ref)?.body ?? {}, region, account);
        substitutions.push(`${ref}.${attr} = ${v}`);
        return JSON.stringify(v);
      });
    }
    const name = String(b.type === 'aws_ssm_parameter' ? b.body.name : b.body.role);
    const type = String(b.type === 'aws_ssm_parameter' ? (b.body.type ?? 'String') : (b.body.name ?? b.name));
    plans.push({ address: b.address, resourceType: b.type as StandInPlan['resourceType'], name, type, expression, substitutions: [...new Set(substitutions)] });
  }
  return plans;
}

/** Writes a parameter into moto through the SSM API (moto accepts any signature). */
export async function putParameter(endpoint: string, region: string, name: string, value: string, type: string): Promise<void> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AmazonSSM.PutParameter',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/ssm/aws4_request, SignedHeaders=host, Signature=e2e`,
    },
    body: JSON.stringify({ Name: name, Value: value, Type: type, Overwrite: true }),
  });
  if (!res.ok) throw new Error(`PutParameter ${name} answered HTTP ${res.status}: ${await res.text()}`);
}
