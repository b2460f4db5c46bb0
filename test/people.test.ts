import * as fs from 'fs';
import * as path from 'path';
import { findManifest } from '../lib/core/testing';
import { configProblems as problems, configWith, FIXTURE_CONFIG, parseAll, synth } from './helpers';

/** The fixture's platform.yaml with `people` (YAML, indented under people:). */
const withPeople = (people: string) => (old: string) => `${old}\npeople:\n${people}`;

/** The demo's `tctl users add alice --roles=access,kube-access` (Capsule's Teleport integration page). */
const ALICE = '  users:\n    - name: alice\n      roles: [access, kube-access]\n';

const SSO = `  users:
    - name: alice
      roles: [access, kube-access]
  ssoConnectors:
    - name: okta
      type: saml
      groupsToRoles:
        - group: oil-developers
          roles: [kube-access]
`;

describe('people in platform.yaml', () => {
  test('an SSO group is reported with the Kubernetes identities, tenants and namespaces its roles give, in the table and the graph', () => {
    const { files } = synth(configWith({ 'platform.yaml': withPeople(SSO) }));
    const access = files.find((f) => f.path === 'demo/ACCESS.md')!.content;
    expect(access).toContain('| SSO group `oil-developers` of okta (saml) | `kube-access` | `alice` | `tenant-oil` | `oil` (`oil-*`) |');
    const graph = /```mermaid\n([\s\S]*?)```/.exec(access)![1].split('\n');
    const id = (label: string) => graph.find((l) => l.endsWith(`["${label}"]`))!.trim().split('[')[0];
    const edges = graph.filter((l) => l.includes('-->')).map((l) => l.trim());
    const group = id('oil-developers #40;SSO group, okta #40;saml#41;#41;');
    // person or SSO group → role → Kubernetes user → tenant → namespaces
    expect(edges).toEqual(expect.arrayContaining([`${group} --> ${id('role kube-access')}`, `${id('alice')} --> ${id('role kube-access')}`]));
    expect(edges).toEqual(expect.arrayContaining([`${id('role kube-access')} --> ${id('Kubernetes user alice')}`, `${id('Kubernetes user alice')} --> ${id('tenant oil')}`, `${id('tenant oil')} --> ${id('oil-*')}`]));
    // SSO mappings are reported, never rendered: a connector carries its client secret.
    expect(files.some((f) => f.manifests.some((m) => /connector/i.test(m.kind)))).toBe(false);
  });

  test('names from the configuration cannot break the table or the graph', () => {
    const { files } = synth(configWith({ 'platform.yaml': withPeople(SSO.replace('group: oil-developers', 'group: "a|b\\"] --> x[\\"`c`"').replace('name: okta', 'name: "<b>okta</b>"')) }));
    const access = files.find((f) => f.path === 'demo/ACCESS.md')!.content;
    const row = access.split('\n').find((l) => l.startsWith('| SSO group'))!;
    // Five cells: every | in the value is escaped.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
    expect(row).toContain('&lt;b&gt;okta&lt;/b&gt;');
    const graph = /```mermaid\n([\s\S]*?)```/.exec(access)![1];
    // Node lines: an id and one quoted label in which nothing can end the label or open Markdown/HTML.
    for (const line of graph.split('\n').filter((l) => l.includes('["'))) expect(line).toMatch(/^ {2}[a-z]+\d+\["[^"<>`[\]]*"\]$/);
    expect(graph.split('\n').filter((l) => l.includes('-->')).every((l) => /^ {2}[a-z]+\d+ --> [a-z]+\d+$/.test(l))).toBe(true);
  });

  test("the demo's user alice: a TeleportUser for the operator, a tctl copy, the operator's bot may manage users, a row in ACCESS.md", () => {
    const { files } = synth(configWith({ 'platform.yaml': withPeople(ALICE) }));
    expect(files.find((f) => f.path === 'demo/teleport/users/alice.yaml')!.manifests).toEqual([
      { apiVersion: 'resources.teleport.dev/v2', kind: 'TeleportUser', metadata: { name: 'alice', namespace: 'teleport-iac' }, spec: { roles: ['access', 'kube-access'] } },
    ]);
    const operatorRole = parseAll(files.find((f) => f.path === 'demo/tctl/operator-role.yaml')!.content)[0];
    expect(operatorRole.spec.allow.rules.map((r: any) => r.resources[0])).toEqual(['role', 'user']);
    expect(files.find((f) => f.path === 'demo/ACCESS.md')!.content).toContain('| user `alice` | `kube-access`, (other roles: `access`) | `alice` | `tenant-oil` | `oil` (`oil-*`) |');
    expect(findManifest(files, 'TeleportUser', 'alice').spec).toEqual({ roles: ['access', 'kube-access'] });
    expect(parseAll(files.find((f) => f.path === 'demo/tctl/users/alice.yaml')!.content)).toEqual([{ kind: 'user', version: 'v2', metadata: { name: 'alice' }, spec: { roles: ['access', 'kube-access'] } }]);
  });

  test('a role that exists neither in a tenant file nor as a preset is refused, with the roles there are', () => {
    expect(problems({ 'platform.yaml': withPeople('  users:\n    - name: bob\n      roles: [kube-acess]\n') })).toEqual([
      "platform.yaml:113: people.users[0].roles[0]: 'kube-acess' is neither a role of a tenant file on Teleport cluster teleport.demo (kube-access) nor a Teleport preset role",
    ]);
    expect(problems({ 'platform.yaml': withPeople(SSO.replace('roles: [kube-access]\n', 'roles: [admin]\n')) })).toEqual([
      expect.stringMatching(/^platform\.yaml:\d+: people\.ssoConnectors\[0\]\.groupsToRoles\[0\]\.roles\[0\]: 'admin' is neither a role of a tenant file/),
    ]);
  });

  test('a user declared twice, an unknown Teleport cluster, and a name that cannot be an object name', () => {
    const twice = '  users:\n    - name: alice\n      roles: [access]\n    - name: alice\n      roles: [kube-access]\n    - name: carol\n      roles: [access]\n      teleportCluster: other.example\n';
    expect(problems({ 'platform.yaml': withPeople(twice) })).toEqual([
      "platform.yaml:114: people.users[1].name: user 'alice' is already declared (people.users[0]) for Teleport cluster teleport.demo",
      "platform.yaml:118: people.users[2].teleportCluster: unknown Teleport cluster 'other.example'; the platform's: teleport.demo",
    ]);
    expect(problems({ 'platform.yaml': withPeople('  users:\n    - name: alice@example.com\n      roles: [access]\n') })[0]).toMatch(/people\.users\[0\]\.name: must be a DNS-1123 subdomain/);
  });

  test('connector names and SSO groups get the name rules of users and groups: one line of visible text, one script', () => {
    const sso = (connector: string, group: string) => withPeople(SSO.replace('name: okta', `name: ${connector}`).replace('group: oil-developers', `group: ${group}`));
    const lines = (edit: ReturnType<typeof sso>) => edit(fs.readFileSync(path.join(FIXTURE_CONFIG, 'platform.yaml'), 'utf8')).split('\n');
    const at = (edit: ReturnType<typeof sso>, text: string) => lines(edit).findIndex((l) => l.includes(text)) + 1;
    // Cyrillic о and е (U+043E, U+0435) in Latin names; then a tab and a newline.
    const spoofed = sso('"\u043ekta"', '"oil-dev\u0435lopers"');
    expect(problems({ 'platform.yaml': spoofed })).toEqual([
      expect.stringMatching(new RegExp(`^platform\\.yaml:${at(spoofed, 'name: "\u043ekta"')}: people\\.ssoConnectors\\[0\\]\\.name: a connector name "\u043ekta" mixes Latin and Cyrillic letters`)),
      expect.stringMatching(new RegExp(`^platform\\.yaml:${at(spoofed, 'group: "oil-dev')}: people\\.ssoConnectors\\[0\\]\\.groupsToRoles\\[0\\]\\.group: a group name "oil-dev\u0435lopers" mixes Latin and Cyrillic letters`)),
    ]);
    expect(problems({ 'platform.yaml': sso('"ok\\tta"', '"oil\\ndevelopers"') })).toEqual([
      expect.stringMatching(/people\.ssoConnectors\[0\]\.name: a connector name holds .*tab.*; a name is visible text on one line$/i),
      expect.stringMatching(/people\.ssoConnectors\[0\]\.groupsToRoles\[0\]\.group: a group name holds .*(line feed|newline).*; a name is visible text on one line$/i),
    ]);
  });
});
