import { Fn, Op } from 'cdktf';
import { isUnresolved, ProblemCollector } from './errors';
import { ECR_AUTH, ECR_PULL } from './iam-actions';
import type { PolicyStatement } from './policy-document';
import type { PlanCheck } from './plan-checks';

/**
 * Where container images may come from. The platform team lists the allowed sources of an
 * environment; every SageMaker and Kubernetes image must come from one of them and be pinned by
 * digest (a digest says *what* runs; the source says *who published it*).
 *
 * A source is either ECR repositories of one account and region, or a named registry (a host,
 * optionally with a path prefix). Both become *patterns*: `host/repository` (one repository) or
 * `host/prefix/*` (everything under a prefix), the form the contract publishes and the plan-time
 * check compares. An image matches when one of its candidates (its repository, and `host/*`,
 * `host/a/*`, ... for each prefix of its path) is a pattern: the same set arithmetic at synth
 * and, with Terraform's `setintersection`, at plan.
 *
 * Enforced by AWS: a SageMaker execution role may pull only its image's repository, and the
 * environment's permission boundary allows ECR pulls only from the allowed ECR repositories.
 * Enforced at synth and plan only: Kubernetes images (nodes pull them with the node role; admission
 * control in the cluster, e.g. a Kyverno or Gatekeeper policy over the same patterns, is the
 * platform's).
 */

export interface EcrImageSource {
  /** Account of the registry (12 digits). */
  readonly accountId: string;
  /** Region of the registry. */
  readonly region: string;
  /**
   * Repository names (`fraud-model`, `ml/fraud-model`), namespaces (`ml/*`), or `*` for every
   * repository of the registry.
   */
  readonly repositories: readonly string[];
}

export type ImageSource =
  /** ECR repositories of one account and region. */
  | { readonly ecr: EcrImageSource }
  /** A named registry: a host with an optional path prefix, e.g. `ghcr.io/example` or `registry.example.com:5000/ml`. */
  | { readonly registry: string };

export const IMAGE_SOURCE_ALLOWED =
  "{ ecr: { accountId: '<12 digits>', region: '<region>', repositories: ['<name>' | '<namespace>/*' | '*'] } } or { registry: '<host>[/<path prefix>]' }";

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** One path component of a repository (Docker distribution reference grammar, lower case). */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const REPOSITORY_PATTERN = new RegExp(`^(?:\\*|${COMPONENT}(?:/${COMPONENT})*(?:/\\*)?)$`);
const HOST = /^(?:localhost|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)(?::\d{1,5})?$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The host of an ECR registry: `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in China). */
export function ecrHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * Checks the environment's `imageSources` and returns their patterns (only meaningful when no
 * problem was recorded).
 */
export function checkImageSources(problems: ProblemCollector, prop: string, sources: unknown): string[] {
  if (sources === undefined) return [];
  if (!Array.isArray(sources)) {
    problems.add(prop, sources, `a list of ${IMAGE_SOURCE_ALLOWED}`, 'wrap the source in a list');
    return [];
  }
  const patterns: string[] = [];
  sources.forEach((source: unknown, i) => {
    const at = `${prop}[${i}]`;
    const s = source as Partial<{ ecr: Partial<EcrImageSource>; registry: unknown }> | null;
    if (!s || typeof s !== 'object' || (s.ecr === undefined) === (s.registry === undefined)) {
      problems.add(at, source, IMAGE_SOURCE_ALLOWED, 'give each source exactly one of ecr or registry');
      return;
    }
    if (s.ecr !== undefined) {
      const e = s.ecr;
      if (!e || typeof e !== 'object') {
        problems.add(`${at}.ecr`, e, '{ accountId, region, repositories }', 'name the account, region and repositories of the ECR registry');
        return;
      }
      const okAccount = typeof e.accountId === 'string' && ACCOUNT.test(e.accountId);
      const okRegion = typeof e.region === 'string' && REGION.test(e.region);
      if (!okAccount) problems.add(`${at}.ecr.accountId`, e.accountId, 'a 12-digit AWS account id (a string)', 'use the account that owns the ECR registry, e.g. "123456789012"');
      if (!okRegion) problems.add(`${at}.ecr.region`, e.region, 'an AWS region name like "eu-west-1"', 'use the region of the ECR registry');
      if (!Array.isArray(e.repositories) || e.repositories.length === 0) {
        problems.add(`${at}.ecr.repositories`, e.repositories, "a non-empty list of repository names, namespaces ('ml/*') or '*'", 'list the repositories images may come from, e.g. ["fraud-model"]');
        return;
      }
      e.repositories.forEach((r: unknown, j: number) => {
        // A first component that is a registry host is a repository URI pasted as a name.
        if (typeof r === 'string' && REPOSITORY_PATTERN.test(r) && !ECR_HOST.test(r.split('/')[0])) {
          if (okAccount && okRegion) patterns.push(`${ecrHost(e.accountId!, e.region!)}/${r}`);
        } else {
          problems.add(`${at}.ecr.repositories[${j}]`, r, "an ECR repository name (lowercase, '/'-separated, not its URI), a namespace ending in '/*', or '*'", 'write the repository name as ECR shows it, e.g. "ml/fraud-model"');
        }
      });
      return;
    }
    const r = s.registry;
    const parsed = typeof r === 'string' ? splitRegistry(r) : undefined;
    if (!parsed) {
      problems.add(`${at}.registry`, r, "a registry host with an optional path prefix, e.g. 'ghcr.io/example' or 'registry.example.com:5000/ml' (no scheme, no tag, no trailing '/')", 'write the registry as it appears in image references');
      return;
    }
    patterns.push(parsed.path ? `${parsed.host}/${parsed.path}/*` : `${parsed.host}/*`);
  });
  const seen = new Set<string>();
  patterns.forEach((p) => {
    if (seen.has(p)) problems.add(prop, p, 'each source once', `remove the second source that allows ${p}`);
    seen.add(p);
  });
  return patterns;
}

/** The patterns of sources already checked (GovernedEnvironment after its props passed). */
export function imageSourcePatternsOf(sources: readonly ImageSource[]): string[] {
  return checkImageSources(new ProblemCollector('imageSources'), 'imageSources', sources);
}

function splitRegistry(value: string): { host: string; path: string } | undefined {
  const [host, ...rest] = value.split('/');
  const path = rest.join('/');
  if (!HOST.test(host) || (path !== '' && !REPOSITORY.test(path))) return undefined;
  return { host: host.toLowerCase(), path };
}

/** An image reference taken apart (Docker's reference grammar, normalised like `docker pull` does). */
export interface ImageReference {
  /** Registry host (`ghcr.io`, `docker.io`, `<account>.dkr.ecr.<region>.amazonaws.com`). */
  readonly host: string;
  /** Repository path in the registry (`example/summarizer`, `library/nginx`). */
  readonly repository: string;
  readonly digest?: string;
  /** Set for ECR images. */
  readonly ecr?: { readonly accountId: string; readonly region: string; readonly partition: string };
}

/** Parses `[host[:port]/]path[:tag][@sha256:<hex>]`; undefined when it is not an image reference. */
export function parseImageReference(image: string): ImageReference | undefined {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  const parts = name.split('/');
  // Docker: the first component is a registry host when it has a dot or a port, or is localhost.
  const hasHost = parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost');
  const host = hasHost ? parts[0].toLowerCase() : 'docker.io';
  let path = (hasHost ? parts.slice(1) : parts).join('/');
  const tag = /:([\w][\w.-]{0,127})$/.exec(path);
  if (tag) path = path.slice(0, tag.index);
  if (!hasHost && !path.includes('/')) path = `library/${path}`;
  if (!HOST.test(host) || !REPOSITORY.test(path)) return undefined;
  const ecr = ECR_HOST.exec(host);
  return {
    host,
    repository: path,
    ...(digest ? { digest } : {}),
    ...(ecr ? { ecr: { accountId: ecr[1], region: ecr[2], partition: ecr[3] ? 'aws-cn' : ecr[2].startsWith('us-gov-') ? 'aws-us-gov' : 'aws' } } : {}),
  };
}

/** The patterns an image would match: its repository, and `host/*`, `host/a/*`, ... for each prefix of its path. */
export function imageCandidates(ref: ImageReference): string[] {
  const parts = ref.repository.split('/');
  const out = [`${ref.host}/${ref.repository}`, `${ref.host}/*`];
  for (let i = 1; i < parts.length; i++) out.push(`${ref.host}/${parts.slice(0, i).join('/')}/*`);
  return out;
}

export function imageAllowed(ref: ImageReference, patterns: readonly string[]): boolean {
  return imageCandidates(ref).some((c) => patterns.includes(c));
}

/** What a workload needs of its environment to check an image's source. */
export interface ImageSourceEnvironment {
  readonly name: string;
  readonly region: string;
  /** Literal patterns (a GovernedEnvironment), a token list (a contract: checked at plan), or absent (not published). */
  readonly imageSourcePatterns?: readonly string[];
}

/**
 * Checks one workload image: a literal reference, pinned by digest, from an allowed source (ECR
 * in the environment's region when `sageMaker`, which pulls only from ECR in its own region).
 */
export function checkImage(problems: ProblemCollector, prop: string, image: unknown, env: ImageSourceEnvironment | undefined, options: { readonly sageMaker?: boolean } = {}): void {
  const pinned = 'an image pinned by digest: <registry>/<repository>@sha256:<64 hex>';
  if (typeof image === 'string' && isUnresolved(image)) {
    problems.add(prop, image, `${pinned}, written literally (its source is checked at synth, not only at apply)`, 'write the image reference with its digest instead of a Terraform reference, e.g. from `crane digest <image>`');
    return;
  }
  if (typeof image !== 'string') {
    problems.add(prop, image, pinned, 'use the image digest, not a tag (e.g. `crane digest <image>`)');
    return;
  }
  const ref = parseImageReference(image);
  if (!ref || !ref.digest) {
    problems.add(prop, image, pinned, 'use the image digest, not a tag (e.g. `crane digest <image>`)');
    return;
  }
  if (options.sageMaker && (!ref.ecr || (env && !isUnresolved(env.region) && ref.ecr.region !== env.region))) {
    problems.add(prop, image, `an ECR image in ${env?.region ?? "the environment's region"} (SageMaker pulls only from Amazon ECR in the endpoint's Region)`, `push the image to ECR in ${env?.region ?? "the environment's region"} (ECR replication can copy it) and use that reference`);
    return;
  }
  const patterns = env?.imageSourcePatterns;
  if (!env || patterns === undefined || isUnresolved(patterns)) return;
  if (!imageAllowed(ref, patterns)) {
    problems.add(
      prop,
      image,
      patterns.length ? `an image from one of ${env.name}'s allowed sources ${JSON.stringify(patterns)}` : `an image from an allowed source (environment ${env.name} allows none)`,
      `use an image from an allowed source, or ask the platform team to add ${ref.ecr ? `the ECR repository ${ref.repository} of account ${ref.ecr.accountId} in ${ref.ecr.region}` : `the registry ${ref.host}/${ref.repository.split('/')[0]}`} to ${env.name}'s imageSources`,
    );
  }
}

/** The plan-time form of the source check against a contract's patterns: undefined when synth decided it. */
export function imagePlanCheck(path: string, prop: string, image: string, env: ImageSourceEnvironment): PlanCheck | undefined {
  const patterns = env.imageSourcePatterns;
  const ref = parseImageReference(image);
  if (patterns === undefined || !isUnresolved(patterns) || !ref) return undefined;
  return {
    condition: Op.gte(Fn.lengthOf(Fn.setintersection(imageCandidates(ref), [patterns as string[]])), 1),
    errorMessage: `${path}: ${prop} ${image} is not from one of environment ${env.name}'s allowed image sources; use an allowed source or ask the platform team to add it.`,
  };
}

/** The ECR repository ARN of an ECR image (`arn:aws:ecr:<region>:<account>:repository/<name>`). */
export function ecrRepositoryArn(ref: ImageReference): string {
  if (!ref.ecr) throw new Error(`${ref.host}/${ref.repository} is not an ECR image`);
  return `arn:${ref.ecr.partition}:ecr:${ref.ecr.region}:${ref.ecr.accountId}:repository/${ref.repository}`;
}

/**
 * ECR repository ARNs the allowed sources name (patterns whose host is ECR): what the permission
 * boundary lets any workload role pull. `host/*` becomes `repository/*`, `host/ml/*` `repository/ml/*`.
 */
export function ecrRepositoryArnsOf(patterns: readonly string[]): string[] {
  const arns: string[] = [];
  for (const p of patterns) {
    const slash = p.indexOf('/');
    const host = ECR_HOST.exec(p.slice(0, slash));
    if (!host) continue;
    const partition = host[3] ? 'aws-cn' : host[2].startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    arns.push(`arn:${partition}:ecr:${host[2]}:${host[1]}:repository/${p.slice(slash + 1)}`);
  }
  return arns;
}

/**
 * What a SageMaker execution role needs to pull its model image: the image's own ECR repository
 * (never a wildcard), and the ECR authorization token (an action without resource scoping,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html).
 * Throws when the image is not an ECR image or not from the allowed sources (when they are known):
 * the props checks reject those first.
 */
export function sageMakerImagePullStatements(image: string, allowedPatterns: readonly string[] | undefined): PolicyStatement[] {
  const ref = parseImageReference(image);
  if (!ref?.ecr || !ref.digest) throw new Error(`SageMaker image ${image} is not an ECR image pinned by digest`);
  if (allowedPatterns !== undefined && !isUnresolved(allowedPatterns) && !imageAllowed(ref, allowedPatterns)) {
    throw new Error(`SageMaker image ${image} is not from an allowed image source ${JSON.stringify(allowedPatterns)}`);
  }
  return [
    { Sid: 'PullModelImage', Effect: 'Allow', Action: [...ECR_PULL], Resource: ecrRepositoryArn(ref) },
    { Sid: 'EcrAuthorization', Effect: 'Allow', Action: [...ECR_AUTH], Resource: '*' },
  ];
}
