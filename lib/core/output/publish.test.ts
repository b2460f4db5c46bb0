import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { publishDirectory } from './publish';

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe('publishDirectory', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
    fs.mkdirSync(path.join(root, 'staging/a'), { recursive: true });
    fs.writeFileSync(path.join(root, 'staging/a/new.yaml'), 'new');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('replaces the whole target, removing files that are no longer rendered', () => {
    fs.mkdirSync(path.join(root, 'out/stale'), { recursive: true });
    fs.writeFileSync(path.join(root, 'out/stale/old.yaml'), 'old');
    publishDirectory(path.join(root, 'staging'), path.join(root, 'out'));
    expect(tree(path.join(root, 'out'))).toEqual({ 'a/new.yaml': 'new' });
    expect(fs.readdirSync(root).sort()).toEqual(['out', 'staging']);
  });

  test('creates the target and its parents', () => {
    publishDirectory(path.join(root, 'staging'), path.join(root, 'deep/out'));
    expect(tree(path.join(root, 'deep/out'))).toEqual({ 'a/new.yaml': 'new' });
  });

  test('restores the previous output left behind by an interrupted publish', () => {
    fs.mkdirSync(path.join(root, '.out.previous'));
    fs.writeFileSync(path.join(root, '.out.previous/old.yaml'), 'old');
    fs.rmSync(path.join(root, 'staging'), { recursive: true });
    expect(() => publishDirectory(path.join(root, 'staging'), path.join(root, 'out'))).toThrow();
    expect(tree(path.join(root, 'out'))).toEqual({ 'old.yaml': 'old' });
  });

  test('refuses to publish a folder onto itself', () => {
    expect(() => publishDirectory(path.join(root, 'staging'), path.join(root, 'staging'))).toThrow(/onto itself/);
  });
});
