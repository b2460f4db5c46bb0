import * as fs from 'fs';
import * as path from 'path';

/**
 * Atomic publishing of the output: readers (and a crash) see either the old folder or the new one,
 * never a mix.
 *
 * The new tree is built next to `target` (same filesystem), then swapped in with two renames. If the
 * process dies between them, the previous output is kept as `.<name>.previous` and restored by the
 * next publish.
 */

/** A file to publish: path relative to the output folder, with `/` separators. */
export interface PublishedFile {
  readonly path: string;
  readonly content: string;
}

/** Replaces `target` with exactly `files`. */
export function publishFiles(files: readonly PublishedFile[], target: string): void {
  swapIn(target, (incoming) => writeTree(incoming, files));
}

/**
 * Replaces `target` with a copy of the folder `source` (the staging folder `cdk8s synth` asks the
 * app to write). Files are hard-linked rather than copied when `source` is on the same filesystem:
 * the staging folder is always rewritten with new files, never modified in place, so the published
 * files cannot change behind the output's back.
 */
export function publishDirectory(source: string, target: string): void {
  if (path.resolve(target) === path.resolve(source)) throw new Error(`cannot publish ${source} onto itself`);
  swapIn(target, (incoming) => cloneTree(source, incoming));
}

/** Writes `files` into the existing folder `dir`. */
export function writeTree(dir: string, files: readonly PublishedFile[]): void {
  const folders = new Set<string>();
  for (const file of files) {
    const target = path.join(dir, ...file.path.split('/'));
    const folder = path.dirname(target);
    if (!folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
    fs.writeFileSync(target, file.content);
  }
}

function swapIn(target: string, fill: (incoming: string) => void): void {
  const absoluteTarget = path.resolve(target);
  const parent = path.dirname(absoluteTarget);
  const name = path.basename(absoluteTarget);
  const previous = path.join(parent, `.${name}.previous`);
  fs.mkdirSync(parent, { recursive: true });

  if (fs.existsSync(previous)) {
    // A publish was interrupted after moving the old output away: put it back first.
    if (!fs.existsSync(absoluteTarget)) fs.renameSync(previous, absoluteTarget);
    else fs.rmSync(previous, { recursive: true, force: true });
  }

  const incoming = fs.mkdtempSync(path.join(parent, `.${name}.incoming-`));
  try {
    fill(incoming);
    const hadTarget = fs.existsSync(absoluteTarget);
    if (hadTarget) fs.renameSync(absoluteTarget, previous);
    try {
      fs.renameSync(incoming, absoluteTarget);
    } catch (error) {
      if (hadTarget) fs.renameSync(previous, absoluteTarget);
      throw error;
    }
    fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(incoming, { recursive: true, force: true });
  }
}

/** Recreates the tree `source` inside the existing folder `target`, hard-linking where possible. */
function cloneTree(source: string, target: string): void {
  let link = true;
  const visit = (from: string, to: string) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const src = path.join(from, entry.name);
      const dst = path.join(to, entry.name);
      if (entry.isDirectory()) {
        fs.mkdirSync(dst);
        visit(src, dst);
      } else if (link) {
        try {
          fs.linkSync(src, dst);
        } catch {
          link = false; // another filesystem (EXDEV) or no hard links: copy from now on
          fs.copyFileSync(src, dst);
        }
      } else {
        fs.copyFileSync(src, dst);
      }
    }
  };
  visit(source, target);
}
