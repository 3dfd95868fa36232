import { dependencyOrder, type StackEntry } from '../../scripts/e2e/cdktf-out';
import { cliConfig } from '../../scripts/e2e/terraform-cli';

const s = (name: string, dependencies: string[] = []): StackEntry => ({ name, dependencies, dir: name });

describe('stack order', () => {
  test('applies a product stack after the platform stack it reads', () => {
    expect(dependencyOrder([s('product-dev', ['platform-dev']), s('platform-dev')]).map((x) => x.name)).toEqual(['platform-dev', 'product-dev']);
  });

  test('keeps synthesized order between independent stacks', () => {
    expect(dependencyOrder([s('platform-dev'), s('platform-prod')]).map((x) => x.name)).toEqual(['platform-dev', 'platform-prod']);
  });

  test('fails when dependencies form a cycle', () => {
    expect(() => dependencyOrder([s('a', ['b']), s('b', ['a'])])).toThrow(/cycle among: a, b/);
  });

  test('fails when a dependency was not synthesized', () => {
    expect(() => dependencyOrder([s('product-dev', ['platform-dev'])])).toThrow(/product-dev depends on platform-dev, which is not in the synthesized output/);
  });
});

describe('Terraform CLI configuration', () => {
  test('installs the AWS provider from the filesystem mirror', () => {
    expect(cliConfig('/opt/tf-plugins')).toMatch(/filesystem_mirror \{\s+path\s+= "\/opt\/tf-plugins"\s+include = \["registry.terraform.io\/hashicorp\/aws"\]/);
  });

  test('never installs anything from the network', () => {
    expect(cliConfig('/opt/tf-plugins')).toMatch(/direct \{[^}]*exclude = \["\*\/\*\/\*"\]/);
  });
});
