import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import type { Revocation } from '../governance/governance-tags';
import { KMS_USE, SECRET_MANAGEMENT, SECRET_VALUE_WRITE, SECRETS_READ } from '../governance/iam-actions';
import { checkDerivedName } from '../governance/names';
import { policyJson, sid, type PolicyStatement } from '../governance/policy-document';
import { ProblemCollector } from '../governance/errors';
import { QUOTA_TIER_TAG, ROTATION_STRATEGY_TAG, type RotationStrategy } from '../governance/rotation';

export interface RotatingSecretProps {
  readonly environment: IGovernedEnvironment;
  /** Workload that owns the secret. */
  readonly workload: string;
  /** Secret name within the workload: `governed/<env>/<workload>/<name>-<suffix>`. */
  readonly name: string;
  readonly description: string;
  readonly strategy: RotationStrategy;
  /** For `api-gateway-key`: the quota tier whose usage plan the rotation function puts new keys on. */
  readonly quotaTier?: string;
  /**
   * The owning workload is revoked: no rotation, and (for gateway keys) every issued key disabled
   * and removed from its usage plan at apply.
   * @default - not revoked
   */
  readonly revoked?: Revocation;
  readonly tags: Record<string, string>;
}

/**
 * A per-workload, per-environment secret: encrypted with the environment key, readable only by the
 * roles granted read, its value and stages writable only by the environment's rotation function,
 * its rotation settings, policy, tags and deletion changeable by no identity the library creates
 * (the secret's own resource policy denies them, whatever their IAM policies say; deployers manage
 * the secret's lifecycle), rotated within the environment's period. Terraform never holds its value: the first rotation (at creation) writes it, so neither
 * the synthesized JSON nor the state contains it.
 *
 * Named with a prefix (`governed/<env>/<workload>/<name>-` and a suffix Terraform adds): a deleted
 * secret's name stays reserved for its recovery window, and a re-created one (a renamed construct
 * id) then never meets it.
 */
export class RotatingSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  public readonly secretArn: string;
  public readonly secretName: string;
  private readonly readers: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: RotatingSecretProps) {
    super(scope, id);
    const problems = new ProblemCollector(this.node.path);
    problems.check(['generated-token', 'api-gateway-key'].includes(props.strategy), 'strategy', props.strategy, '"generated-token" or "api-gateway-key"', 'say how the rotation function makes a new value');
    // Without a tier the rotation function has no usage plan to put a key on: the first rotation would fail after apply.
    if (props.strategy === 'api-gateway-key') problems.check(typeof props.quotaTier === 'string' && props.quotaTier.length > 0, 'quotaTier', props.quotaTier, 'the quota tier new keys go on', "pass the workload's quotaTier");
    problems.check(typeof props.name === 'string' && /^[A-Za-z0-9_+=.@-]+$/.test(props.name), 'name', props.name, 'a secret name of letters, digits and _+=.@-', 'name the secret like "gateway-api-key"');
    const env = props.environment;
    const namePrefix = `governed/${env.name}/${props.workload}/${props.name}-`;
    checkDerivedName(problems, 'name', props.name, 'secretNamePrefix', namePrefix, 'secret name prefix');
    problems.throwIfAny();
    const tags: Record<string, string> = { ...props.tags, [ROTATION_STRATEGY_TAG]: props.strategy };
    if (props.quotaTier) tags[QUOTA_TIER_TAG] = props.quotaTier;
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      namePrefix,
      description: props.description,
      kmsKeyId: env.kmsKeyArn,
      recoveryWindowInDays: env.secretRecoveryDays,
      tags,
      // In production a destroy (a removed workload) must be a deliberate act: Terraform refuses to
      // plan it until this is lifted. Non-prod relies on the recovery window.
      lifecycle: { preventDestroy: env.isProduction },
    });
    this.secretArn = this.secret.arn;
    this.secretName = this.secret.name;

    new SecretsmanagerSecretPolicy(this, 'policy', {
      secretArn: this.secret.arn,
      blockPublicPolicy: true,
      policy: Lazy.stringValue({ produce: () => policyJson(this.resourcePolicy()) }),
    });

    if (!props.revoked) {
      new SecretsmanagerSecretRotation(this, 'rotation', {
        secretId: this.secret.id,
        rotationLambdaArn: env.rotationFunctionArn,
        rotationRules: { automaticallyAfterDays: env.secretRotationDays },
      });
    } else if (props.strategy === 'api-gateway-key') {
      // Revocation reaches the keys already issued: disabled and off their usage plan at apply.
      new LambdaInvocation(this, 'revoke-keys', {
        functionName: env.rotationFunctionArn,
        input: JSON.stringify({ action: 'revoke', secretId: this.secret.arn }),
        triggers: { revokedAt: props.revoked.at },
      });
    }
  }

  /** Lets one workload read this secret, with the key permission that goes with it. */
  grantRead(grantee: IGrantee): void {
    this.readers.push(grantee.roleArn);
    grantee.addToPolicy('secrets', [
      { Sid: sid('Read', this.props.workload, this.props.name), Effect: 'Allow', Action: [...SECRETS_READ], Resource: this.secretArn },
      {
        Sid: sid('Decrypt', this.props.workload, this.props.name),
        Effect: 'Allow',
        Action: [...KMS_USE],
        Resource: this.props.environment.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.props.environment.region}.amazonaws.com` } },
      },
    ]);
  }

  /** Role ARNs allowed to read, for tests and the report. */
  get readerArns(): readonly string[] {
    return this.readers;
  }

  private resourcePolicy(): PolicyStatement[] {
    const env = this.props.environment;
    const rotation = env.rotationRoleArn;
    // A wildcard principal is the only way to say "nobody else"; here it only ever denies.
    return [
      {
        Sid: 'DenyReadExceptGrantedWorkloads',
        Effect: 'Deny',
        Principal: '*',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...this.readers, rotation] } },
      },
      {
        // A role with secretsmanager:* could otherwise replace the value without reading it.
        Sid: 'DenyValueWritesExceptRotation',
        Effect: 'Deny',
        Principal: '*',
        Action: [...SECRET_VALUE_WRITE],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': rotation } },
      },
      {
        // Rotation settings, deletion, policy and tags are the deployers' (Terraform's): no identity
        // the library creates (workload, integration, platform) may change them, whatever it is granted.
        Sid: 'DenyManagementToGovernedIdentities',
        Effect: 'Deny',
        Principal: '*',
        Action: [...SECRET_MANAGEMENT],
        Resource: '*',
        Condition: { ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${env.accountId}:role/governed/*`, `arn:aws:iam::${env.accountId}:role/governed-platform/*`] } },
      },
    ];
  }
}
