import * as YAML from 'yaml';
import { testCluster } from '../core/testing';
import { TctlFolder } from './tctl';

function setup() {
  const { app } = testCluster();
  const tctl = new TctlFolder(app, 'tctl', { folder: 'test/tctl', title: 'cluster test' });
  return { app, tctl };
}

const content = (files: ReturnType<ReturnType<typeof setup>['app']['render']>, path: string) => files.find((f) => f.path === path)?.content;

describe('TctlFolder', () => {
  test('writes each resource to its own file, with the command that applies it', () => {
    const { app, tctl } = setup();
    expect(tctl.addResource('roles/kube-access', () => ({ kind: 'role', version: 'v8', metadata: { name: 'kube-access' } }), ['A role.'])).toBe('roles/kube-access.yaml');
    const file = content(app.render(), 'test/tctl/roles/kube-access.yaml')!;
    expect(file.split('\n').slice(0, 2)).toEqual(['# A role.', '# Apply with: tctl create -f roles/kube-access.yaml']);
    expect(YAML.parse(file)).toEqual({ kind: 'role', version: 'v8', metadata: { name: 'kube-access' } });
  });

  test('keeps itself out of the Flux artifact with a .sourceignore that ignores the whole folder', () => {
    const { app } = setup();
    const ignore = content(app.render(), 'test/tctl/.sourceignore')!;
    expect(ignore.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual(['*']);
  });

  test('writes a README with the sections in the order they were added', () => {
    const { app, tctl } = setup();
    tctl.addSection('First', () => 'one');
    tctl.addSection('Second', () => 'two');
    const readme = content(app.render(), 'test/tctl/README.md')!;
    expect(readme).toMatch(/^# Teleport resources for cluster test\n/);
    expect(readme.indexOf('## First\n\none')).toBeLessThan(readme.indexOf('## Second\n\ntwo'));
  });

  test('refuses to write a file twice', () => {
    const { tctl } = setup();
    const role = () => ({ kind: 'role', version: 'v8', metadata: { name: 'a' } });
    tctl.addResource('roles/a', role);
    expect(() => tctl.addResource('roles/a', role)).toThrow('test/tctl/roles/a.yaml is written twice');
  });
});
