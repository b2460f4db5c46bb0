import * as fs from 'fs';
import * as path from 'path';

/**
 * Replaces `target` with a copy of `source` so that readers (and a crash) see either the old
 * folder or the new one, never a mix.
 *
 * The copy is made next to `target` (same filesystem), then swapped in with two renames. If the
 * process dies between them, the previous output is kept as `.<name>.previous` and restored by the
 * next publish.
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
    fs.cpSync(source, incoming, { recursive: true });
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
