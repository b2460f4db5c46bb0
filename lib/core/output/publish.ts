import * as fs from 'fs';
import * as path from 'path';

/**
 * Replaces `target` with a copy of `source` so that readers (and a crash) see either the old
 * folder or the new one, never a mix.
 *
 * The copy is made next to `target` (same filesystem), then swapped in with two renames. If the
 * process dies between them, the previous output is kept as `.<name>.previous` and restored by the
 * next publish. Files are hard-linked rather than copied when `source` is on the same filesystem
 * (thousands of tenant files): the staging folder is always rewritten with new files, never
 * modified in place, so the published files cannot change behind the output's back.
 */
export function publishDirectory(source: string, target: string): void {
  const absoluteTarget = path.resolve(target);
  if (absoluteTarget === path.resolve(source)) throw new Error(`cannot publish ${source} onto itself`);
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
    cloneTree(source, incoming);
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
