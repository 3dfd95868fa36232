/**
 * Stand-ins for references to resources moto does not serve. A resource that only *names* an
 * unserved resource (the environment contract names the Bedrock guardrail and the Verified
 * Permissions policy store; the gateway function reads the policy store id; the stage names the
 * client certificate) can be applied as long as the name has the right shape. In the scratch copy
 * (never the example), each such reference is replaced by a visible stand-in value, so the
 * referencing resource is applied, re-planned and scanned like any other instead of being left
 * out with everything downstream of it. Every substitution is printed.
 *
 * Only the (type, attribute) pairs listed in STAND_INS have a stand-in: an identifier of the right
 * shape, or the value the configuration itself gives the attribute (the REST API policy's
 * `policy`). A reference to anything else keeps the referencing resource left out.
 *
 * The same goes for an attribute moto accepts but does not return (EMULATOR_ECHO_GAPS): a resource
 * that reads it (the gateway deployment hashes every integration's `connection_id` into its
 * redeployment trigger) reads the configured value instead, which is what AWS returns.
 */
import { EMULATOR_ECHO_GAPS } from './emulator-gaps';
import type { Block, TerraformJson } from './terraform-json';
import { blocksOf, referencesIn } from './terraform-json';

/** One reference replaced in the scratch copy. */
export interface StandIn {
  /** The block applied with the stand-in. */
  address: string;
  /** `type.name.attribute`, or `depends_on type.name`. */
  reference: string;
  /** The HCL expression now in its place; empty when a depends_on entry was dropped. */
  value: string;
  why: string;
}

/** An HCL expression standing in for `attribute` of the left-out `block`, or undefined when there is none. */
type StandInRule = (block: Block, region: string, account: string) => string | undefined;

const STAND_IN_ID = 'e2estandin00001';
const literal = (value: string): StandInRule => () => JSON.stringify(value);
/** The value the configuration gives the attribute: exactly what the provider would store. */
const configured =
  (attribute: string): StandInRule =>
  (block) => {
    const v = block.body[attribute];
    if (typeof v !== 'string') return undefined;
    const hcl = templateToHcl(v);
    if (hcl === undefined) return undefined;
    // A quoted string is one token; anything else is parenthesized to stay one operand.
    return /^"(?:[^"\\]|\\.)*"$/.test(hcl) ? hcl : `(${hcl})`;
  };

export const STAND_INS: Readonly<Record<string, { why: string; attributes: Readonly<Record<string, StandInRule>> }>> = {
  aws_bedrock_guardrail: {
    why: 'moto does not serve Bedrock guardrails: an ARN and id of the right shape',
    attributes: {
      guardrail_arn: (_b, region, account) => JSON.stringify(`arn:aws:bedrock:${region}:${account}:guardrail/${STAND_IN_ID}`),
      arn: (_b, region, account) => JSON.stringify(`arn:aws:bedrock:${region}:${account}:guardrail/${STAND_IN_ID}`),
      guardrail_id: literal(STAND_IN_ID),
      id: literal(STAND_IN_ID),
    },
  },
  aws_bedrock_guardrail_version: {
    why: 'moto does not serve Bedrock guardrails: the first published version',
    attributes: { version: literal('1') },
  },
  aws_verifiedpermissions_policy_store: {
    why: 'moto does not serve Verified Permissions: a policy store id and ARN of the right shape',
    attributes: {
      policy_store_id: literal('E2eStandInPolicyStore1'),
      id: literal('E2eStandInPolicyStore1'),
      arn: (_b, _region, account) => JSON.stringify(`arn:aws:verifiedpermissions::${account}:policy-store/E2eStandInPolicyStore1`),
    },
  },
  aws_api_gateway_client_certificate: {
    why: "moto does not serve API Gateway client certificates (GenerateClientCertificate answers 404): a certificate id of the right shape",
    attributes: { id: literal('e2estandin'), client_certificate_id: literal('e2estandin') },
  },
  aws_api_gateway_rest_api_policy: {
    why: 'the REST API policy is left out (moto returns it unescaped): its configured value',
    attributes: { policy: configured('policy'), rest_api_id: configured('rest_api_id'), id: configured('rest_api_id') },
  },
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A Terraform JSON string (literal text with `${...}` interpolations) as one HCL expression:
 * literal parts are quoted, interpolations kept as code. Undefined when braces do not balance.
 */
export function templateToHcl(value: string): string | undefined {
  const whole = /^\$\{([\s\S]*)\}$/.exec(value);
  const parts: string[] = [];
  let literalText = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      literalText += '$${';
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
      if (literalText) parts.push(JSON.stringify(literalText).replace(/\$\{/g, '$${'));
      literalText = '';
      parts.push(`(${value.slice(i + 2, j - 1)})`);
      i = j;
    } else {
      literalText += value[i++];
    }
  }
  if (literalText) parts.push(JSON.stringify(literalText).replace(/\$\{/g, '$${'));
  if (parts.length === 1 && (whole || parts[0].startsWith('"'))) return parts[0];
  if (parts.length === 0) return '""';
  // Literal parts are JSON-quoted (they start with a quote); code parts are parenthesized.
  return `join("", [${parts.map((p) => (p.startsWith('(') ? `tostring${p}` : p)).join(', ')}])`;
}

/** Every string inside a value with `map` applied (cdktf's "//" metadata left alone). */
function mapStrings(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '//' ? v : mapStrings(v, map)]));
  }
  return value;
}

/** `type.name.attribute` references to `seed` inside interpolations of a block. */
function attributesReferenced(body: unknown, seed: string): { attributes: Set<string>; bare: boolean } {
  const attributes = new Set<string>();
  let bare = false;
  const pattern = new RegExp(`(?<![\\w.-])${escapeRegExp(seed)}(\\.([a-z_][a-z0-9_]*))?`, 'g');
  mapStrings(body, (s) => {
    if (!s.includes('${')) return s;
    for (const m of s.matchAll(pattern)) {
      if (m[2]) attributes.add(m[2]);
      else bare = true;
    }
    return s;
  });
  return { attributes, bare };
}

/**
 * Replaces, in the scratch configuration (in place), every reference to a left-out `seed` that has
 * a stand-in, in blocks whose every reference to a seed has one; drops such seeds from those
 * blocks' depends_on (ordering only: the seed is never applied). Returns what was substituted.
 * Blocks with any reference that has no stand-in are not touched and stay left out.
 */
export function substituteStandIns(json: TerraformJson, seeds: ReadonlySet<string>, region: string, account: string): StandIn[] {
  const blocks = blocksOf(json);
  const byAddress = new Map(blocks.map((b) => [b.address, b]));
  const done: StandIn[] = [];
  for (const b of blocks) {
    if (seeds.has(b.address)) continue;
    const refs = referencesIn(b.body, seeds);
    if (refs.size === 0) continue;
    const { depends_on: dependsOn, ...rest } = b.body;
    const replacements: Array<{ seed: string; attribute: string; value: string; why: string }> = [];
    let possible = true;
    for (const seed of refs) {
      const seedBlock = byAddress.get(seed)!;
      const table = STAND_INS[seedBlock.type];
      const { attributes, bare } = attributesReferenced(rest, seed);
      if (bare || !table) {
        possible = possible && !bare && attributes.size === 0;
        if (!possible) break;
        continue;
      }
      for (const attribute of attributes) {
        const value = table.attributes[attribute]?.(seedBlock, region, account);
        // A configured value may itself name a seed: then it is no stand-in.
        if (value === undefined || referencesIn({ v: `\${${value}}` }, seeds).size > 0) {
          possible = false;
          break;
        }
        replacements.push({ seed, attribute, value, why: table.why });
      }
      if (!possible) break;
    }
    if (!possible) continue;
    const group = (b.mode === 'managed' ? json.resource : json.data)![b.type];
    let body: Record<string, unknown> = { ...b.body };
    for (const r of replacements) {
      const pattern = new RegExp(`(?<![\\w.-])${escapeRegExp(`${r.seed}.${r.attribute}`)}(?![\\w-])`, 'g');
      body = mapStrings(body, (s) => (s.includes('${') ? s.replace(pattern, () => r.value) : s)) as Record<string, unknown>;
      if (!done.some((d) => d.address === b.address && d.reference === `${r.seed}.${r.attribute}`)) {
        done.push({ address: b.address, reference: `${r.seed}.${r.attribute}`, value: r.value, why: r.why });
      }
    }
    if (Array.isArray(dependsOn)) {
      const kept = dependsOn.filter((d) => !(typeof d === 'string' && seeds.has(d)));
      for (const d of dependsOn.filter((x) => typeof x === 'string' && seeds.has(x))) {
        done.push({ address: b.address, reference: `depends_on ${String(d)}`, value: '', why: `${String(d)} is left out, so there is nothing to wait for` });
      }
      if (kept.length > 0) body.depends_on = kept;
      else delete body.depends_on;
    }
    group[b.name] = body;
  }
  return done;
}

/**
 * Replaces, in the scratch configuration (in place), every read of an attribute moto does not
 * return (EMULATOR_ECHO_GAPS) by the value the configuration gives it, which AWS would return.
 * Without this, a resource that reads it (a redeployment trigger) sees a change on every plan.
 */
export function substituteEchoGapReads(json: TerraformJson): StandIn[] {
  const blocks = blocksOf(json);
  const done: StandIn[] = [];
  const reads: Array<{ reference: string; value: string; why: string }> = [];
  for (const gap of EMULATOR_ECHO_GAPS) {
    for (const t of blocks.filter((b) => b.mode === 'managed' && b.type === gap.type)) {
      for (const attribute of gap.attributes) {
        const value = configured(attribute)(t, '', '');
        if (value !== undefined) reads.push({ reference: `${t.address}.${attribute}`, value, why: `${gap.reason}: the configured value, which AWS returns, stands in` });
      }
    }
  }
  if (reads.length === 0) return done;
  for (const b of blocks) {
    const group = (b.mode === 'managed' ? json.resource : json.data)![b.type];
    let body = b.body;
    for (const r of reads) {
      const pattern = new RegExp(`(?<![\\w.-])${escapeRegExp(r.reference)}(?![\\w-])`, 'g');
      let hit = false;
      body = mapStrings(body, (s) =>
        s.includes('${')
          ? s.replace(pattern, () => {
              hit = true;
              return r.value;
            })
          : s,
      ) as Record<string, unknown>;
      if (hit) done.push({ address: b.address, reference: r.reference, value: r.value, why: r.why });
    }
    group[b.name] = body;
  }
  return done;
}
