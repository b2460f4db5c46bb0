import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The files of an output folder: path relative to the folder (with `/`) → content. */
export type OutputTree = ReadonlyMap<string, string>;

/** Reads every file under `dir` (an absent folder is an empty tree). */
export function readOutputTree(dir: string): OutputTree {
  const tree = new Map<string, string>();
  if (!fs.existsSync(dir)) return tree;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    tree.set(path.relative(dir, file).split(path.sep).join('/'), fs.readFileSync(file, 'utf8'));
  }
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Reads the files under `dir` as they are in the git commit `ref` of the repository `dir` is in.
 * @throws Error naming the ref when git cannot resolve it
 */
export function readGitTree(ref: string, dir: string): OutputTree {
  const absolute = path.resolve(dir);
  const root = gitRoot(path.dirname(absolute));
  if (!root) throw new Error(`${dir} is not inside a git repository, so there is no ref '${ref}' to compare with`);
  const folder = path.relative(root, absolute).split(path.sep).join('/');
  const git = (args: string[], input?: string) => {
    const result = spawnSync('git', ['-C', root, ...args], { input, maxBuffer: 1024 * 1024 * 1024 });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr.toString().trim()}`);
    return result.stdout;
  };
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', ref, '--', folder || '.']).toString();
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, file] = line.split('\t');
      return { type: meta.split(' ')[1], object: meta.split(' ')[2], file };
    })
    .filter((e) => e.type === 'blob');
  const tree = new Map<string, string>();
  if (!entries.length) return tree;
  // One git process for all blobs: `<sha> blob <size>\n<content>\n` per object.
  const out = git(['cat-file', '--batch'], entries.map((e) => e.object).join('\n') + '\n');
  let offset = 0;
  for (const entry of entries) {
    const headerEnd = out.indexOf(10, offset);
    const size = Number(out.subarray(offset, headerEnd).toString().split(' ')[2]);
    const content = out.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8');
    offset = headerEnd + 1 + size + 1;
    tree.set(folder ? entry.file.slice(folder.length + 1) : entry.file, content);
  }
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The root of the git working tree `dir` is in, or undefined when it is in none (or git is missing). */
export function gitRoot(dir: string): string | undefined {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) current = path.dirname(current);
  const result = spawnSync('git', ['-C', current, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return fs.realpathSync(result.stdout.trim());
}

/** How one output tree differs from another, each list sorted. */
export interface TreeDifference {
  /** In the fresh tree only: the committed output lacks them. */
  readonly added: readonly string[];
  /** In the committed tree only: the configuration no longer produces them. */
  readonly removed: readonly string[];
  /** In both, with different content. */
  readonly changed: readonly string[];
}

/** What changes when `before` is replaced by `after`. */
export function compareTrees(before: OutputTree, after: OutputTree): TreeDifference {
  const added = [...after.keys()].filter((p) => !before.has(p));
  const removed = [...before.keys()].filter((p) => !after.has(p));
  const changed = [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p));
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}
