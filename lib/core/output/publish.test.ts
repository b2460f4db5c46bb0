import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OUTPUT_MARKER, publishDirectory, publishFiles } from './publish';

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

const withoutMarker = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).filter(([f]) => f !== OUTPUT_MARKER));

describe('publishing', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
    fs.mkdirSync(path.join(root, 'staging/a'), { recursive: true });
    fs.writeFileSync(path.join(root, 'staging/a/new.yaml'), 'new');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('replaces a previous output as a whole, removing files that are no longer rendered', () => {
    publishFiles([{ path: 'stale/old.yaml', content: 'old' }], path.join(root, 'out'));
    publishDirectory(path.join(root, 'staging'), path.join(root, 'out'));
    expect(withoutMarker(tree(path.join(root, 'out')))).toEqual({ 'a/new.yaml': 'new' });
    expect(fs.readdirSync(root).sort()).toEqual(['out', 'staging']);
  });

  test('creates the target and its parents, with the usual permissions and the marker', () => {
    publishFiles([{ path: 'a/b.yaml', content: 'b' }], path.join(root, 'deep/out'));
    expect(tree(path.join(root, 'deep/out'))).toEqual({ 'a/b.yaml': 'b', [OUTPUT_MARKER]: expect.stringContaining('replaced as a whole') });
    expect(fs.statSync(path.join(root, 'deep/out')).mode & 0o777).toBe(0o777 & ~process.umask());
  });

  test('keeps the permissions of the folder it replaces', () => {
    publishFiles([], path.join(root, 'out'));
    fs.chmodSync(path.join(root, 'out'), 0o750);
    publishFiles([], path.join(root, 'out'));
    expect(fs.statSync(path.join(root, 'out')).mode & 0o777).toBe(0o750);
  });

  test('restores the previous output left behind by an interrupted publish', () => {
    fs.mkdirSync(path.join(root, '.out.previous'));
    fs.writeFileSync(path.join(root, '.out.previous/old.yaml'), 'old');
    fs.writeFileSync(path.join(root, '.out.previous', OUTPUT_MARKER), '');
    fs.rmSync(path.join(root, 'staging'), { recursive: true });
    expect(() => publishDirectory(path.join(root, 'staging'), path.join(root, 'out'))).toThrow();
    expect(withoutMarker(tree(path.join(root, 'out')))).toEqual({ 'old.yaml': 'old' });
    expect(fs.readdirSync(root)).toEqual(['out']);
  });

  test('refuses to write a file outside the output folder', () => {
    for (const bad of ['../escape.yaml', '/etc/passwd', 'a/../../b.yaml', 'a//b.yaml', './a.yaml', 'a\\b.yaml']) {
      expect(() => publishFiles([{ path: bad, content: 'x' }], path.join(root, 'out'))).toThrow(/refusing to write output file/);
    }
    expect(fs.existsSync(path.join(root, 'escape.yaml'))).toBe(false);
    expect(fs.readdirSync(root).sort()).toEqual(['staging']);
  });

  test('a background removal of the previous tree leaves the new output in place at once, and the old one goes', async () => {
    publishFiles([{ path: 'old.yaml', content: 'old' }], path.join(root, 'out'));
    publishFiles([{ path: 'new.yaml', content: 'new' }], path.join(root, 'out'), { removeOld: 'background' });
    expect(withoutMarker(tree(path.join(root, 'out')))).toEqual({ 'new.yaml': 'new' });
    for (let i = 0; i < 100 && fs.readdirSync(root).length > 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.readdirSync(root).sort()).toEqual(['out', 'staging']);
  });

  test('recovery leaves alone a folder of the same name that no publish wrote', () => {
    fs.mkdirSync(path.join(root, '.out.previous'));
    fs.writeFileSync(path.join(root, '.out.previous/mine.txt'), 'mine');
    publishFiles([{ path: 'a.yaml', content: 'a' }], path.join(root, 'out'));
    expect(tree(path.join(root, '.out.previous'))).toEqual({ 'mine.txt': 'mine' });
    expect(withoutMarker(tree(path.join(root, 'out')))).toEqual({ 'a.yaml': 'a' });
  });

  test('refuses to replace a folder that no synth wrote, and leaves it alone', () => {
    fs.mkdirSync(path.join(root, 'gitops/clusters'), { recursive: true });
    fs.writeFileSync(path.join(root, 'gitops/clusters/precious.yaml'), 'mine');
    expect(() => publishFiles([], path.join(root, 'gitops'))).toThrow(/has files that no synth wrote \(no \.platform-output\)/);
    expect(tree(path.join(root, 'gitops'))).toEqual({ 'clusters/precious.yaml': 'mine' });
    // An empty folder is fine.
    fs.mkdirSync(path.join(root, 'empty'));
    expect(() => publishFiles([], path.join(root, 'empty'))).not.toThrow();
  });

  test('refuses a Git working tree, even one with the marker', () => {
    fs.mkdirSync(path.join(root, 'repo/.git'), { recursive: true });
    fs.writeFileSync(path.join(root, 'repo', OUTPUT_MARKER), '');
    expect(() => publishFiles([], path.join(root, 'repo'))).toThrow(/it is a Git working tree/);
    expect(fs.existsSync(path.join(root, 'repo/.git'))).toBe(true);
  });

  test('refuses a target that is or contains a protected folder (the configuration, the working directory)', () => {
    const config = path.join(root, 'platform/config');
    fs.mkdirSync(config, { recursive: true });
    expect(() => publishFiles([], path.join(root, 'platform'), { protect: [config] })).toThrow(/it is or contains .*platform\/config, which a synth would delete/);
    expect(() => publishFiles([], config, { protect: [config] })).toThrow(/it is or contains/);
    expect(() => publishDirectory(path.join(root, 'staging'), path.join(root, 'staging'))).toThrow(/it is or contains/);
    expect(fs.existsSync(config)).toBe(true);
  });
});
