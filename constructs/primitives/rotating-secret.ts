import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { Lazy } from 'cdktf';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import { KMS_USE, SECRETS_READ } from '../governance/iam-actions';
import { policyJson, sid, type PolicyStatement } from '../governance/policy-document';
import { ROTATION_STRATEGY_TAG, USAGE_PLAN_TAG, rotationRoleArn, type RotationStrategy } from '../governance/rotation';

export interface RotatingSecretProps {
  readonly environment: IGovernedEnvironment;
  /** Workload that owns the secret. */
  readonly workload: string;
  /** Secret name within the workload: `governed/<env>/<workload>/<name>`. */
  readonly name: string;
  readonly description: string;
  readonly strategy: RotationStrategy;
  /** For `api-gateway-key`: the usage plan new keys are attached to. */
  readonly usagePlanId?: string;
  readonly tags: Record<string, string>;
}

/**
 * A per-workload, per-environment secret: encrypted with the environment key, readable only by the
 * roles granted read (a resource policy denies everyone else), and rotated by the environment's
 * rotation function within the environment's period. Terraform never holds its value: the first
 * rotation (at creation) writes it, so neither the synthesized JSON nor the state contains it.
 */
export class RotatingSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  public readonly secretArn: string;
  public readonly secretName: string;
  private readonly readers: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: RotatingSecretProps) {
    super(scope, id);
    const env = props.environment;
    const tags: Record<string, string> = { ...props.tags, [ROTATION_STRATEGY_TAG]: props.strategy };
    if (props.usagePlanId) tags[USAGE_PLAN_TAG] = props.usagePlanId;
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: `governed/${env.name}/${props.workload}/${props.name}`,
      description: props.description,
      kmsKeyId: env.kmsKeyArn,
      recoveryWindowInDays: env.secretRecoveryDays,
      tags,
    });
    this.secretArn = this.secret.arn;
    this.secretName = this.secret.name;

    new SecretsmanagerSecretPolicy(this, 'policy', {
      secretArn: this.secret.arn,
      blockPublicPolicy: true,
      policy: Lazy.stringValue({ produce: () => policyJson(this.resourcePolicy()) }),
    });

    new SecretsmanagerSecretRotation(this, 'rotation', {
      secretId: this.secret.id,
      rotationLambdaArn: env.rotationFunctionArn,
      rotationRules: { automaticallyAfterDays: env.secretRotationDays },
    });
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
    // Deny reading to every principal but the granted readers and the environment's rotation
    // function. A wildcard principal is the only way to say "nobody else"; it only ever denies.
    return [
      {
        Sid: 'DenyReadExceptGrantedWorkloads',
        Effect: 'Deny',
        Principal: '*',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...this.readers, rotationRoleArn(this.props.environment)] } },
      },
    ];
  }
}
