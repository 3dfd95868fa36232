import { App, TerraformStack, Token, Fn, Lazy } from 'cdktf';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
const app = new App({ outdir: '/tmp/t1out' });
const s = new TerraformStack(app, 's');
new AwsProvider(s, 'aws', { region: 'eu-west-1' });
const d = new DataAwsSsmParameter(s, 'c', { name: 'x' });
const list = Token.asList(Fn.lookup(Fn.jsondecode(d.value), 'deployers'));
try {
new SsmParameter(s, 'p', { name: 'y', type: 'String', value: Lazy.stringValue({ produce: () => JSON.stringify({ a: list, b: ['lit', ...list] }) }) });
app.synth();
console.log(JSON.stringify(require('/tmp/t1out/stacks/s/cdk.tf.json').resource.aws_ssm_parameter.p.value));
} catch (e) { console.log('ERR', (e as Error).message.slice(0, 300)); }
