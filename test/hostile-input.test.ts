import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Problem } from '../lib/core/errors';
import { READ_LIMITS } from '../lib/core/config/yaml-file';
import { synthPlatform } from '../lib/platform/synth';
import { configWith, expectRefusedKeepingOutput, readTree, ROOT, run, synth, tempDir } from './helpers';

/**
 * Hostile and unusual input (docs/input-limits.md): what a careless or hostile contributor to the
 * configuration repository could commit. Every case runs the whole synth against an already
 * published output and must fail (a PlatformError is what makes `npm run synth` exit 1; a few cases
 * at the end go through the real CLI), with a problem naming the file and, where there is one, the
 * field, and leave the output byte-identical. None may take more than 5 s: limits are checked
 * before anything expensive, and nothing blocks.
 */

type Edit = Parameters<typeof configWith>[0];

interface Case {
  /** Changes to the default configuration. */
  readonly edit?: Edit;
  /** Changes that configWith cannot make (links, FIFOs, raw bytes), given the configuration folder. */
  readonly setup?: (dir: string) => void;
  /** The problem, relative to the configuration folder. */
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  readonly message: RegExp;
}

const alice = 'owners:\n  - kind: User\n    name: alice\n';
/** A tenant file `name`, with `body` after its owners. */
const tenant = (name: string, body = '', owners = alice) => `name: ${name}\n${owners}${body}`;
const owner = (name: string) => `owners:\n  - kind: User\n    name: ${name}\n`;
const wind = (body = '', owners = alice): Edit => ({ 'tenants/wind.yaml': tenant('wind', body, owners) });
const roleWith = (field: string) => `platform:\n  teleport:\n    roles:\n      - name: wind-access\n        ${field}\n`;
/** platform.yaml with `replace` applied. */
const platform = (from: string | RegExp, to: string): Edit => ({ 'platform.yaml': (old) => old.replace(from, to) });
const withTenantCore = (defaults: string) => platform('        # tenant-core:\n', `        tenant-core:\n          defaults:\n${defaults}`);
const capsuleValues = (values: string) => platform('      forceTenantPrefix: true\n', `      forceTenantPrefix: true\n      values:\n${values}`);

/** Nine aliases of nine aliases of ...: 9^9 values once expanded, from 81 aliases and a few hundred bytes. */
function billionLaughs(indent: string): string {
  const lines = [`${indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i < 9; i++) lines.push(`${indent}l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const write = (dir: string, file: string, content: string | Buffer) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), content);
};
const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

const CASES: Record<string, Case> = {
  // --- Limits on what is read -------------------------------------------------------------------
  'a tenant file over 1 MiB': {
    edit: wind(`# ${'x'.repeat(READ_LIMITS.maxBytes)}\n`),
    file: 'tenants/wind.yaml',
    message: /^is 1,048,6\d\d bytes; a configuration file is at most 1,048,576 bytes \(1 MiB\)$/,
  },
  'a 10 MB tenant file (refused without being read)': {
    setup: (dir) => write(dir, 'tenants/wind.yaml', Buffer.alloc(10 * 1024 * 1024, 'a')),
    file: 'tenants/wind.yaml',
    message: /^is 10,485,760 bytes; a configuration file is at most/,
  },
  'a platform.yaml over 1 MiB': { edit: { 'platform.yaml': (old) => `${old}# ${'y'.repeat(READ_LIMITS.maxBytes)}\n` }, file: 'platform.yaml', message: /a configuration file is at most 1,048,576 bytes/ },
  'billion laughs in a tenant file': {
    edit: wind(`platform:\n  userGroup: tenant-wind\nx:\n${billionLaughs('  ')}`),
    file: 'tenants/wind.yaml',
    message: /^YAML aliases expand to more than 1,000,000 values \(limit; a "billion laughs" file\)/,
  },
  'billion laughs in chart values of platform.yaml': {
    edit: capsuleValues(billionLaughs('        ')),
    file: 'platform.yaml',
    message: /^YAML aliases expand to more than 1,000,000 values/,
  },
  'more than 100 aliases': {
    edit: wind(`platform:\n  userGroup: &g tenant-wind\nx: [${Array(101).fill('*g').join(', ')}]\n`),
    file: 'tenants/wind.yaml',
    line: 7,
    message: /^more than 100 YAML aliases \(\*name\) in one file \(limit\)/,
  },
  'lists nested 200 deep': { edit: wind(`x: ${'['.repeat(200)}${']'.repeat(200)}\n`), file: 'tenants/wind.yaml', line: 5, message: /^lists and mappings nest deeper than 100 levels \(limit\)$/ },
  'mappings nested 150 deep': {
    edit: wind(`x:\n${Array.from({ length: 150 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} 1\n`),
    file: 'tenants/wind.yaml',
    message: /^lists and mappings nest deeper than 100 levels \(limit\)$/,
  },

  // --- Only regular files, links only inside the configuration ----------------------------------
  'a tenant file that is a FIFO (must not block)': { setup: (dir) => mkfifo(path.join(dir, 'tenants/wind.yaml')), file: 'tenants/wind.yaml', message: /^is a named pipe \(FIFO\); only regular files are read$/ },
  'a platform.yaml that is a FIFO': {
    setup: (dir) => {
      fs.rmSync(path.join(dir, 'platform.yaml'));
      mkfifo(path.join(dir, 'platform.yaml'));
    },
    file: 'platform.yaml',
    message: /^is a named pipe \(FIFO\); only regular files are read$/,
  },
  'a link to a device outside the configuration': { setup: (dir) => fs.symlinkSync('/dev/zero', path.join(dir, 'tenants/wind.yaml')), file: 'tenants/wind.yaml', message: /^is a symbolic link to \/dev\/zero, outside the configuration folder/ },
  'a link to a file outside the configuration': {
    setup: (dir) => {
      const outside = path.join(tempDir(), 'wind.yaml');
      fs.writeFileSync(outside, tenant('wind'));
      fs.symlinkSync(outside, path.join(dir, 'tenants/wind.yaml'));
    },
    file: 'tenants/wind.yaml',
    message: /^is a symbolic link to .*wind\.yaml, outside the configuration folder; only links that stay inside it are followed/,
  },
  'a link that escapes with ..': { setup: (dir) => fs.symlinkSync('../../../../../../etc/hostname', path.join(dir, 'tenants/wind.yaml')), file: 'tenants/wind.yaml', message: /^is a symbolic link to \/etc\/hostname, outside the configuration folder/ },
  'a dangling link': { setup: (dir) => fs.symlinkSync('gone.yaml', path.join(dir, 'tenants/wind.yaml')), file: 'tenants/wind.yaml', message: /^cannot read file \(ENOENT\)$/ },
  'a link loop': { setup: (dir) => fs.symlinkSync('wind.yaml', path.join(dir, 'tenants/wind.yaml')), file: 'tenants/wind.yaml', message: /^cannot read file \(ELOOP\)$/ },
  'tenants is a file, not a folder': {
    setup: (dir) => {
      fs.rmSync(path.join(dir, 'tenants'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'tenants'), tenant('oil'));
    },
    file: 'tenants',
    message: /^tenants must be a folder of tenant files$/,
  },

  // --- Every file under tenants/ is read or refused ---------------------------------------------
  'an upper-case .YAML extension is read (its error proves it)': { edit: { 'tenants/wind.YAML': tenant('wind', '', 'owners:\n  - kind: Robot\n    name: r2\n') }, file: 'tenants/wind.YAML', line: 3, field: 'owners[0].kind', message: /must be one of/ },
  'a .Yml extension is read (its error proves it)': { edit: { 'tenants/wind.Yml': tenant('wind', 'cordoned: maybe\n') }, file: 'tenants/wind.Yml', line: 5, field: 'cordoned', message: /must be a boolean/ },
  'a tenant in a subfolder': { edit: { 'tenants/team-a/wind.yaml': tenant('wind') }, file: 'tenants/team-a', message: /^subfolders of tenants\/ are not read; a tenant file is tenants\/<name>\.yaml: move the files of team-a\/ up into tenants\/$/ },
  'a folder named like a tenant file': { setup: (dir) => fs.mkdirSync(path.join(dir, 'tenants/wind.yaml')), file: 'tenants/wind.yaml', message: /^subfolders of tenants\/ are not read/ },
  'an editor backup (~)': { edit: { 'tenants/oil.yaml~': tenant('oil') }, file: 'tenants/oil.yaml~', message: /^not read: a hidden file or editor backup of oil\.yaml; remove it/ },
  'a vim swap file': { edit: { 'tenants/.oil.yaml.swp': 'binary' }, file: 'tenants/.oil.yaml.swp', message: /^not read: a hidden file or editor backup of oil\.yaml/ },
  'an emacs autosave': { edit: { 'tenants/#oil.yaml#': tenant('oil') }, file: 'tenants/#oil.yaml#', message: /^not read: a hidden file or editor backup of oil\.yaml/ },
  'a .bak copy': { edit: { 'tenants/oil.yaml.bak': tenant('oil') }, file: 'tenants/oil.yaml.bak', message: /^not read: a hidden file or editor backup of oil\.yaml/ },
  'a hidden tenant file': { edit: { 'tenants/.wind.yaml': tenant('wind') }, file: 'tenants/.wind.yaml', message: /^not read: a hidden file or editor backup of wind\.yaml; .*rename it to wind\.yaml to read it$/ },
  'a tenant written as JSON': { edit: { 'tenants/wind.json': '{"name": "wind"}' }, file: 'tenants/wind.json', message: /^not read: files in tenants\/ are tenant files named <name>\.yaml or <name>\.yml/ },

  // --- Encoding and invisible characters --------------------------------------------------------
  'a byte that is not UTF-8 in an owner name': {
    setup: (dir) => write(dir, 'tenants/wind.yaml', bytes('name: wind\nowners:\n  - kind: User\n    name: al', [0xff], 'ice\n')),
    file: 'tenants/wind.yaml',
    line: 4,
    message: /^is not valid UTF-8 \(a byte that is no character\); save the file as UTF-8$/,
  },
  'a Latin-1 file': { setup: (dir) => write(dir, 'tenants/wind.yaml', bytes(tenant('wind', 'platform:\n  userGroup: caf'), [0xe9], '\n')), file: 'tenants/wind.yaml', line: 6, message: /^is not valid UTF-8/ },
  'a UTF-16 file': { setup: (dir) => write(dir, 'tenants/wind.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tenant('wind'), 'utf16le')])), file: 'tenants/wind.yaml', line: 1, message: /^is not valid UTF-8/ },
  'a raw NUL byte in kubeClusterName': { setup: (dir) => write(dir, 'platform.yaml', fs.readFileSync(path.join(dir, 'platform.yaml'), 'utf8').replace('kubeClusterName: teleport.demo', 'kubeClusterName: teleport\u0000demo')), file: 'platform.yaml', line: 21, message: /U\+0000 \(NUL\) at column 34/ },
  'a NUL written as an escape in an owner name': { edit: wind('', owner('"ali\\0ce"')), file: 'tenants/wind.yaml', line: 4, field: 'owners[0].name', message: /U\+0000 \(NUL\)/ },
  'an escape character in a user group': { edit: wind('platform:\n  userGroup: "tenant-\\e[31mwind"\n'), file: 'tenants/wind.yaml', line: 6, field: 'platform.userGroup', message: /U\+001B \(escape\)/ },
  'a newline in a Teleport group (Markdown injection)': {
    edit: wind(roleWith('kubernetes_groups: ["tenant-wind\\n| evil | row |"]')),
    file: 'tenants/wind.yaml',
    line: 9,
    field: 'platform.teleport.roles[0].kubernetes_groups[0]',
    message: /^a group name holds U\+000A \(line feed\); a name is visible text on one line$/,
  },
  'a newline in an owner name from a block scalar': { edit: wind('', 'owners:\n  - kind: User\n    name: |\n      alice\n'), file: 'tenants/wind.yaml', line: 4, field: 'owners[0].name', message: /^a user name holds U\+000A \(line feed\)/ },
  'a tab in an owner name': { edit: wind('', owner('"ali\\tce"')), file: 'tenants/wind.yaml', field: 'owners[0].name', message: /^a user name holds U\+0009 \(tab\)/ },
  'a right-to-left override in an owner name': { edit: wind('', owner('admin\u202enimda')), file: 'tenants/wind.yaml', line: 4, message: /U\+202E \(right-to-left override\) at column 16/ },
  'a zero-width space in an owner name': { edit: wind('', owner('al\u200bice')), file: 'tenants/wind.yaml', line: 4, message: /U\+200B \(zero-width space\)/ },
  'a byte order mark inside the file': { edit: wind('platform:\n  userGroup: \ufefftenant-wind\n'), file: 'tenants/wind.yaml', line: 6, message: /U\+FEFF \(byte order mark\)/ },
  'a C1 control character (NEL)': { edit: wind('', owner('ali\u0085ce')), file: 'tenants/wind.yaml', line: 4, message: /U\+0085/ },
  'a DEL character': { edit: wind('', owner('ali\u007fce')), file: 'tenants/wind.yaml', line: 4, message: /U\+007F \(delete\)/ },
  'a no-break space in a group name': { edit: wind('platform:\n  userGroup: "tenant\u00a0wind"\n'), file: 'tenants/wind.yaml', field: 'platform.userGroup', message: /^a group name holds U\+00A0; a name is visible text on one line$/ },
  'a user name with a trailing space': { edit: wind('', owner('"alice "')), file: 'tenants/wind.yaml', field: 'owners[0].name', message: /^a user name "alice " starts or ends with a space/ },

  // --- Look-alike scripts -----------------------------------------------------------------------
  'an owner with a Cyrillic a': {
    edit: wind('', owner('\u0430lice')),
    file: 'tenants/wind.yaml',
    line: 4,
    field: 'owners[0].name',
    message: /^a user name "аlice" mixes Latin and Cyrillic letters, which look alike \(a spoofed name\); .*set platform\.allowMixedScriptNames: true in this tenant/,
  },
  'a group owner with a Greek omicron': { edit: wind('', 'owners:\n  - kind: Group\n    name: "wind-\u03bfps"\n'), file: 'tenants/wind.yaml', field: 'owners[0].name', message: /^a group name "wind-οps" mixes Latin and Greek letters/ },
  'a Teleport user with a Cyrillic e': { edit: wind(roleWith('kubernetes_users: [alic\u0435]')), file: 'tenants/wind.yaml', field: 'platform.teleport.roles[0].kubernetes_users[0]', message: /mixes Latin and Cyrillic/ },
  'a role binding subject with a Cyrillic o': {
    edit: wind('additionalRoleBindings:\n  - clusterRoleName: view\n    subjects: [{kind: User, name: b\u043eb}]\n'),
    file: 'tenants/wind.yaml',
    field: 'additionalRoleBindings[0].subjects[0].name',
    message: /mixes Latin and Cyrillic/,
  },
  'a platform user group with a Cyrillic letter': { edit: platform('forceTenantPrefix: true', 'forceTenantPrefix: true\n      userGroups: [capsule-\u0441lients]'), file: 'platform.yaml', field: 'clusters[0].capsule.userGroups[0]', message: /mixes Latin and Cyrillic/ },

  // --- YAML features that change what a file means ----------------------------------------------
  'a byte order mark at the start is fine, and lines still count': { edit: { 'tenants/wind.yaml': `\ufeff${tenant('wind', '', 'owners:\n  - kind: Robot\n    name: r2\n')}` }, file: 'tenants/wind.yaml', line: 3, field: 'owners[0].kind', message: /must be one of/ },
  'CRLF line endings, and lines still count': { edit: { 'tenants/wind.yaml': tenant('wind', 'cordoned: maybe\n').replace(/\n/g, '\r\n') }, file: 'tenants/wind.yaml', line: 5, field: 'cordoned', message: /must be a boolean \(got string "maybe"\)/ },
  'tabs as indentation': { edit: { 'tenants/wind.yaml': 'name: wind\nowners:\n\t- kind: User\n' }, file: 'tenants/wind.yaml', line: 3, message: /^invalid YAML: .*[Tt]ab/ },
  'a very long line (a 500,000-character label value), reported in a short message': {
    edit: wind(`nodeSelector: {pool: ${'x'.repeat(500_000)}}\n`),
    file: 'tenants/wind.yaml',
    line: 5,
    field: 'nodeSelector.pool',
    message: /^"x{40}"\.\.\. \(500000 characters\) is not a valid label value; .{0,200}$/,
  },
  'duplicate keys through a merge key': {
    edit: { 'tenants/wind.yaml': `base: &base\n  name: oil\n<<: *base\nname: wind\n${alice}` },
    file: 'tenants/wind.yaml',
    line: 3,
    field: '["<<"]',
    message: /^YAML merge keys \(<<\) are not supported: in YAML 1\.2 << is an ordinary key/,
  },
  'a merge key in chart values': {
    edit: capsuleValues('        defaults: &d { replicaCount: 2 }\n        manager:\n          <<: *d\n'),
    file: 'platform.yaml',
    field: 'clusters[0].capsule.values.manager["<<"]',
    message: /^YAML merge keys \(<<\) are not supported/,
  },
  'a duplicate key in chart values': { edit: capsuleValues('        replicaCount: 1\n        replicaCount: 3\n'), file: 'platform.yaml', line: 18, message: /^invalid YAML: duplicate key "replicaCount"/ },
  'a !!binary owner name': { edit: wind('', owner('!!binary YWxpY2U=')), file: 'tenants/wind.yaml', line: 4, message: /^the YAML tag !!binary is not supported: configuration is plain YAML 1\.2/ },
  'a custom tag': { edit: wind('platform:\n  userGroup: !Ref group\n'), file: 'tenants/wind.yaml', line: 6, message: /^the YAML tag !Ref is not supported/ },
  'a !!set': { edit: wind('platform:\n  clusters: !!set {demo: null}\n'), file: 'tenants/wind.yaml', line: 6, message: /^the YAML tag !!set is not supported/ },
  'a !!omap': { edit: wind('nodeSelector: !!omap [pool: a]\n'), file: 'tenants/wind.yaml', line: 5, message: /^the YAML tag !!omap is not supported/ },
  'an explicit !!timestamp': { edit: wind('nodeSelector:\n  since: !!timestamp 2024-01-01\n'), file: 'tenants/wind.yaml', line: 6, message: /^the YAML tag !!timestamp is not supported/ },
  'a date stays a string (YAML 1.1 would make it a timestamp)': {
    edit: wind('nodeSelector:\n  since: 2024-01-01T10:00:00Z\n'),
    file: 'tenants/wind.yaml',
    field: 'nodeSelector.since',
    message: /^"2024-01-01T10:00:00Z" is not a valid label value/,
  },
  'an octal-looking label value is a number, not a string': { edit: wind('nodeSelector:\n  mode: 0755\n'), file: 'tenants/wind.yaml', line: 6, field: 'nodeSelector.mode', message: /^must be a string \(got number 755\)$/ },
  'a 0o octal label value': { edit: wind('nodeSelector:\n  mode: 0o17\n'), file: 'tenants/wind.yaml', field: 'nodeSelector.mode', message: /^must be a string \(got number 15\)$/ },
  'on is a string in YAML 1.2 (YAML 1.1 would make it true)': { edit: wind('cordoned: on\n'), file: 'tenants/wind.yaml', line: 5, field: 'cordoned', message: /^must be a boolean \(got string "on"\)$/ },
  'a sexagesimal-looking Teleport name (YAML 1.1 would make it 5400)': { edit: platform('kubeClusterName: teleport.demo', 'kubeClusterName: 1:30:00'), file: 'platform.yaml', field: 'clusters[0].teleport.agent.kubeClusterName', message: /^"1:30:00" is not a Teleport kube_cluster name/ },

  // --- Paths that leave the repository ----------------------------------------------------------
  'a pathPrefix that escapes the GitOps repository': { edit: platform('pathPrefix: ./dist', 'pathPrefix: ../../../etc'), file: 'platform.yaml', line: 9, field: 'delivery.flux.pathPrefix', message: /^"\.\.\/\.\.\/\.\.\/etc" leads outside the Flux source \(the GitOps repository\)/ },
  'an absolute pathPrefix': { edit: platform('pathPrefix: ./dist', 'pathPrefix: /etc/platform'), file: 'platform.yaml', field: 'delivery.flux.pathPrefix', message: /is absolute; Flux resolves paths against the root of its source/ },
  'a pathPrefix that climbs out through a subfolder': { edit: platform('pathPrefix: ./dist', 'pathPrefix: ./dist/../../x'), file: 'platform.yaml', field: 'delivery.flux.pathPrefix', message: /leads outside the Flux source/ },
  'a pathPrefix with backslashes': { edit: platform('pathPrefix: ./dist', 'pathPrefix: ..\\..\\etc'), file: 'platform.yaml', field: 'delivery.flux.pathPrefix', message: /has a backslash; Flux paths use '\/'/ },

  // --- Names Teleport restricts -----------------------------------------------------------------
  'a kubeClusterName with a path in it': { edit: platform('kubeClusterName: teleport.demo', 'kubeClusterName: ../../.tsh/keys'), file: 'platform.yaml', line: 21, field: 'clusters[0].teleport.agent.kubeClusterName', message: /^"\.\.\/\.\.\/\.tsh\/keys" is not a Teleport kube_cluster name: letters, digits, '\.', '_' and '-' only/ },
  'a kubeClusterName with a space': { edit: platform('kubeClusterName: teleport.demo', 'kubeClusterName: teleport demo'), file: 'platform.yaml', field: 'clusters[0].teleport.agent.kubeClusterName', message: /is not a Teleport kube_cluster name/ },
  'a Teleport label key with a space': { edit: platform('capsule: "true"', '"capsule enabled": "true"'), file: 'platform.yaml', field: 'clusters[0].teleport.agent.labels["capsule enabled"]', message: /^key is not a Teleport label key/ },
  'a Teleport label value with a newline': { edit: platform('capsule: "true"', 'capsule: "true\\nx"'), file: 'platform.yaml', field: 'clusters[0].teleport.agent.labels.capsule', message: /^a label value holds U\+000A \(line feed\)/ },
  'a role selecting clusters by a label key Teleport refuses': { edit: wind(roleWith('kubernetes_labels: {"env=prod": "true"}')), file: 'tenants/wind.yaml', field: 'platform.teleport.roles[0].kubernetes_labels["env=prod"]', message: /^key is not a Teleport label key/ },

  // --- Errors that used to lack their file or field ---------------------------------------------
  'an invalid tenant-core forbiddenNamespaceLabelsRegex': {
    edit: withTenantCore('            forbiddenNamespaceLabelsRegex: "("\n'),
    file: 'platform.yaml',
    line: 82,
    field: 'clusters[0].kyverno.policies.tenant-core.defaults.forbiddenNamespaceLabelsRegex',
    message: /^"\(" is not a valid regular expression/,
  },
  'a tenant-core regex with lookahead, which Go refuses': { edit: withTenantCore('            forbiddenNamespaceLabelsRegex: "^(?!ok).*"\n'), file: 'platform.yaml', field: 'clusters[0].kyverno.policies.tenant-core.defaults.forbiddenNamespaceLabelsRegex', message: /uses lookaround/ },
  'a Teleport role name declared by two tenants': {
    edit: wind('platform:\n  teleport:\n    roles:\n      - name: kube-access\n'),
    file: 'tenants/wind.yaml',
    line: 8,
    field: 'platform.teleport.roles[0].name',
    message: /^Teleport role 'kube-access' is already declared by tenant oil \(tenants\/oil\.yaml\); role names are global to the Teleport cluster$/,
  },
  'a default Teleport role name that another tenant declares': {
    edit: { ...wind('platform:\n  teleport:\n    roles:\n      - kubernetes_groups: [tenant-wind]\n'), 'tenants/oil.yaml': (old) => old.replace('name: kube-access', 'name: wind-kube-access') },
    file: 'tenants/wind.yaml',
    field: 'platform.teleport.roles[0].name',
    message: /already declared by tenant oil \(tenants\/oil\.yaml\).*this is the default name <tenant>-kube-access; set platform\.teleport\.roles\[0\]\.name/,
  },
};

describe('hostile and unusual input is refused with the file and field, and the previous output stays byte-identical', () => {
  const pristine = synth().outDir;
  const published = readTree(pristine);

  test('there are at least 60 cases', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(60);
  });

  test.each(Object.entries(CASES))(
    '%s',
    (_name, c) => {
      const dir = configWith(c.edit);
      c.setup?.(dir);
      const error = expectRefusedKeepingOutput(dir, pristine, published);
      const problems = error.problems.map((p: Problem) => ({ ...p, file: p.file && path.relative(dir, p.file) }));
      const expected = { file: c.file, message: expect.stringMatching(c.message), ...(c.line ? { line: c.line } : {}), ...(c.field ? { field: c.field } : {}) };
      expect(problems).toEqual([expect.objectContaining(expected)]);
      if (!c.field) expect(problems[0].field).toBeUndefined();
    },
    5_000,
  );
});

describe('unusual input that is fine', () => {
  test('names in one non-Latin script, mixed scripts where a tenant allows them, links inside the configuration, notes in tenants/', () => {
    const dir = configWith({
      'tenants/wind.yaml': tenant('wind', 'platform:\n  allowMixedScriptNames: true\n  userGroup: "Domain Users"\n', 'owners:\n  - kind: User\n    name: \u0430lice\n  - kind: User\n    name: \u0430\u043b\u0438\u0441\u0430\n'),
      'shared/gas.yaml': tenant('gas', '', owner('bob')),
      'tenants/README.md': '# Tenants\n',
      'tenants/.gitkeep': '',
    });
    fs.symlinkSync('../shared/gas.yaml', path.join(dir, 'tenants/gas.yaml'));
    const outDir = path.join(tempDir(), 'out');
    const files = synthPlatform({ configDir: dir, outDir });
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['demo/tenants/gas.yaml', 'demo/tenants/wind.yaml']));
    expect(readTree(outDir)['demo/tenants/wind.yaml']).toContain('name: \u0430lice');
  });

  test('ACCESS.md prints names that hold Markdown as text: every row keeps its cells, no tag or link reaches the page', () => {
    const dir = configWith(
      wind(
        'platform:\n  userGroup: "wind|<img src=x onerror=alert(1)>"\n  teleport:\n    roles:\n      - name: wind-access\n        kubernetes_groups: ["wind|<img src=x onerror=alert(1)>"]\n',
        owner('"[bob](https://evil.example) `x` *y*"'),
      ),
    );
    const access = synthPlatform({ configDir: dir, outDir: path.join(tempDir(), 'out') }).find((f) => f.path === 'demo/ACCESS.md')!.content;
    const row = access.split('\n').find((line) => line.startsWith('| `wind-access`'))!;
    // Five cells: the | of the names are escaped.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
    expect(row).toContain('`wind\\|<img src=x onerror=alert(1)>`');
    expect(row).toContain('``[bob](https://evil.example) `x` *y*``');
    expect(row).toContain('\\[bob\\](https://evil.example) \\`x\\` \\*y\\* (owner)');
    // Outside code spans, no tag and no link.
    const prose = access.replace(/(`+)[\s\S]*?\1/g, '');
    expect(prose).not.toMatch(/<img/);
    expect(prose).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
  });
});

describe('through the real CLI', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = path.join(tempDir(), 'out');
    fs.cpSync(synth().outDir, outDir, { recursive: true });
  });

  // The in-process cases above hold the 5 s limit; this one also starts Node with a TypeScript
  // loader (about 1 s, several on a loaded machine), so it only asserts that nothing hangs.
  test('a FIFO, a billion laughs and a NUL in one configuration: the synth command exits 1 at once, names each file, publishes nothing', () => {
    const dir = configWith({ ...wind(`x:\n${billionLaughs('  ')}`), 'tenants/gas.yaml': tenant('gas', '', owner('"b\\0b"')) });
    mkfifo(path.join(dir, 'tenants/sun.yaml'));
    const before = readTree(outDir);
    const started = Date.now();
    const result = run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'main.ts'], { PLATFORM_CONFIG: dir, PLATFORM_OUT: outDir });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/tenants\/gas\.yaml:4: owners\[0\]\.name: holds the invisible or control character U\+0000 \(NUL\)/);
    expect(result.stderr).toMatch(/tenants\/sun\.yaml: is a named pipe \(FIFO\); only regular files are read/);
    expect(result.stderr).toMatch(/tenants\/wind\.yaml: YAML aliases expand to more than 1,000,000 values/);
    expect(result.stderr).toContain(`nothing was published; ${outDir} is unchanged`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readTree(outDir)).toEqual(before);
  }, 60_000);
});
