import * as fs from 'fs';
import * as path from 'path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { Document, isMap, isNode, isScalar, isSeq, LineCounter, Node, parseAllDocuments, parseDocument, visit, YAMLError } from 'yaml';
import { fieldPath, Problem } from '../errors';
import { Explained } from '../validation/explain';
import { describeCharacter, findInvisible, valueControlProblems } from './text-rules';

/**
 * Limits on every configuration file (docs/input-limits.md). They are far above what a platform or
 * tenant file needs, and keep a hostile or broken file from hanging the synth or filling memory.
 */
export const READ_LIMITS = {
  /** Size of one file. */
  maxBytes: 1024 * 1024,
  /** Alias nodes (`*name`) in one file. */
  maxAliases: 100,
  /** Nesting of mappings and lists. */
  maxDepth: 100,
  /** Values (scalars, lists, mappings) once aliases are expanded: a "billion laughs" file stops here. */
  maxValues: 1_000_000,
} as const;

/** YAML tags a configuration file may use: the core schema's, which only say what plain YAML says. */
const CORE_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq']);

export interface ReadOptions {
  /**
   * The configuration folder: a symbolic link is followed only if it resolves inside it.
   * @default - the folder of the file
   */
  readonly root?: string;
}

/**
 * A parsed configuration file that can point problems at the line they are on.
 *
 * Files are read with js-yaml (YAML 1.2 core schema: `yes` stays a string, duplicate keys are
 * errors), about four times faster than building a full document, which matters with thousands of
 * tenant files. Only a file that has a problem is parsed again with `yaml`, whose document knows
 * where each key is and whose syntax errors read well.
 */
export class YamlFile {
  /**
   * Reads and parses `file` within `READ_LIMITS`. A file that is not a regular file (or a link to one
   * inside the configuration folder), too large, not UTF-8, holds invisible characters, a syntax
   * error, an unsupported tag or merge key, or is empty or not a mapping, is a problem.
   */
  public static read(file: string, options: ReadOptions = {}): YamlFile | Problem {
    const bytes = readRegularFile(file, options.root ?? path.dirname(file));
    if (!Buffer.isBuffer(bytes)) return bytes;
    const text = decodeText(file, bytes);
    if (typeof text !== 'string') return text;
    let data: unknown;
    try {
      data = load(text, { schema: CORE_SCHEMA, maxAliases: READ_LIMITS.maxAliases, maxDepth: READ_LIMITS.maxDepth });
    } catch (error) {
      const limit = limitProblem(file, error);
      return limit ?? YamlFile.readSlowly(file, text);
    }
    if (data === null || data === undefined) return { file, message: 'file is empty; expected a YAML mapping' };
    if (typeof data !== 'object' || Array.isArray(data)) return { file, line: 1, message: 'expected a YAML mapping at the top level' };
    return YamlFile.checked(new YamlFile(file, text, data as Record<string, unknown>));
  }

  /** The `yaml` parse: precise syntax errors, and the document for line numbers. */
  private static readSlowly(file: string, text: string): YamlFile | Problem {
    const { document, lineCounter } = parseWithLines(text);
    if (document.errors.length > 0) {
      const error = document.errors[0];
      return { file, line: lineCounter.linePos(error.pos[0]).line, message: syntaxMessage(error, document, text) };
    }
    if (document.contents === null) return { file, message: 'file is empty; expected a YAML mapping' };
    if (!isMap(document.contents)) return { file, line: 1, message: 'expected a YAML mapping at the top level' };
    // js-yaml refused the file for a reason `yaml` accepts: a tag it does not know (`!!binary`,
    // `!!set`, `!custom`), which `yaml` would turn into a Buffer, a Set or a plain string.
    let tagged: Node | undefined;
    visit(document, (_, node) => {
      if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag && !CORE_TAGS.has(node.tag)) {
        tagged = node;
        return visit.BREAK;
      }
      return undefined;
    });
    if (tagged) {
      const tag = tagged.tag!.replace(/^tag:yaml\.org,2002:/, '!!');
      return { file, line: tagged.range ? lineCounter.linePos(tagged.range[0]).line : undefined, message: `the YAML tag ${tag} is not supported: configuration is plain YAML 1.2 (strings, numbers, booleans, null, lists and mappings); remove the tag` };
    }
    let data: unknown;
    try {
      data = document.toJS({ maxAliasCount: READ_LIMITS.maxAliases });
    } catch (error) {
      return { file, message: `YAML aliases expand too much (${error instanceof Error ? error.message : String(error)}); write the values out` };
    }
    return YamlFile.checked(new YamlFile(file, text, data as Record<string, unknown>));
  }

  /** Checks of the parsed data: expansion, merge keys, control characters written as escapes. */
  private static checked(yaml: YamlFile): YamlFile | Problem {
    const values = countValues(yaml.data, READ_LIMITS.maxValues, READ_LIMITS.maxDepth);
    if (values === 'values') {
      return { file: yaml.file, message: `YAML aliases expand to more than ${READ_LIMITS.maxValues.toLocaleString('en')} values (limit; a "billion laughs" file); write the values out` };
    }
    if (values === 'depth') return { file: yaml.file, message: `YAML aliases nest values deeper than ${READ_LIMITS.maxDepth} levels (limit)` };
    const merge = findKey(yaml.data, '<<');
    if (merge) return yaml.problem(merge, 'YAML merge keys (<<) are not supported: in YAML 1.2 << is an ordinary key, so the merged keys would be silently missing; write the keys out');
    const [control] = valueControlProblems(yaml.data);
    if (control) return yaml.problem(control.segments, control.message);
    return yaml;
  }

  private parsed?: { document: Document; lineCounter: LineCounter };

  private constructor(
    public readonly file: string,
    /** The file as read (what a verbatim copy writes). */
    public readonly text: string,
    public readonly data: Record<string, unknown>,
  ) {}

  /**
   * 1-based line of the field at `segments` (the line of its key, for a mapping entry), or of its
   * closest existing ancestor.
   */
  public lineOf(segments: readonly string[]): number | undefined {
    this.parsed ??= parseWithLines(this.text);
    const { document, lineCounter } = this.parsed;
    for (let n = segments.length; n > 0; n--) {
      const parent = document.getIn(segments.slice(0, n - 1).map(keyOrIndex), true);
      const last = segments[n - 1];
      const node = isMap(parent) ? parent.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === last)?.key : isSeq(parent) ? parent.items[Number(last)] : undefined;
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    const root = document.contents;
    return isNode(root) && root.range ? lineCounter.linePos(root.range[0]).line : undefined;
  }

  /** A problem located at `segments` of this file. */
  public problem(segments: readonly string[], message: string): Problem {
    return { file: this.file, line: this.lineOf(segments), field: fieldPath(segments) || undefined, message };
  }

  /** Problems for schema violations; `segments` of each are relative to this file's root. */
  public problems(explained: readonly Explained[]): Problem[] {
    return explained.map((e) => this.problem(e.segments, e.message));
  }
}

function parseWithLines(text: string): { document: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  return { document: parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true }), lineCounter };
}

/** The `yaml` library's message, said in terms of the configuration where it is terse. */
function syntaxMessage(error: YAMLError, document: Document, text: string): string {
  if (error.code === 'MULTIPLE_DOCS') return `a configuration file holds exactly one YAML document (found ${parseAllDocuments(text).length}): remove the '---' line`;
  if (error.code === 'DUPLICATE_KEY') {
    let key: unknown;
    visit(document, {
      Pair: (_, pair) => {
        if (isScalar(pair.key) && pair.key.range?.[0] === error.pos[0]) {
          key = pair.key.value;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (key !== undefined) return `invalid YAML: duplicate key ${JSON.stringify(key)}; a key appears at most once in a mapping`;
  }
  return `invalid YAML: ${error.message.split('\n')[0]}`;
}

function keyOrIndex(segment: string): string | number {
  return /^\d+$/.test(segment) ? Number(segment) : segment;
}

/** `file` relative to the working directory when it is inside it (shorter messages), else as given. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

const FILE_KINDS: ReadonlyArray<readonly [(stats: fs.Stats) => boolean, string]> = [
  [(s) => s.isDirectory(), 'a folder'],
  [(s) => s.isFIFO(), 'a named pipe (FIFO)'],
  [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'],
  [(s) => s.isSocket(), 'a socket'],
];

function kindOf(stats: fs.Stats): string {
  return FILE_KINDS.find(([test]) => test(stats))?.[1] ?? 'not a regular file';
}

/**
 * The bytes of `file` if it is a regular file of at most `READ_LIMITS.maxBytes`, or a symbolic link
 * to one inside `root`. It is checked with lstat before it is opened, and opened non-blocking and
 * checked again with fstat: a FIFO never blocks the synth, even one swapped in between.
 */
function readRegularFile(file: string, root: string): Buffer | Problem {
  const refuse = (message: string): Problem => ({ file, message });
  let target = file;
  try {
    const link = fs.lstatSync(file);
    if (link.isSymbolicLink()) {
      target = fs.realpathSync(file);
      const inside = path.relative(fs.realpathSync(root), target);
      if (inside.startsWith('..') || path.isAbsolute(inside)) {
        return refuse(`is a symbolic link to ${target}, outside the configuration folder; only links that stay inside it are followed (copy the file instead)`);
      }
    }
    const stats = fs.statSync(target);
    if (!stats.isFile()) return refuse(`is ${kindOf(stats)}; only regular files are read`);
    if (stats.size > READ_LIMITS.maxBytes) return refuse(`is ${stats.size.toLocaleString('en')} bytes; a configuration file is at most ${READ_LIMITS.maxBytes.toLocaleString('en')} bytes (1 MiB)`);
  } catch (error) {
    return refuse(`cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) return refuse(`is ${kindOf(stats)}; only regular files are read`);
    // Read one byte more than allowed: a file that grew since the check is still refused.
    const buffer = Buffer.alloc(Math.min(stats.size, READ_LIMITS.maxBytes) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = fs.readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > READ_LIMITS.maxBytes) return refuse(`is more than ${READ_LIMITS.maxBytes.toLocaleString('en')} bytes; a configuration file is at most 1 MiB`);
    return buffer.subarray(0, length);
  } catch (error) {
    return refuse(`cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** `bytes` as text: UTF-8 (a leading byte order mark is dropped) without invisible characters. */
function decodeText(file: string, bytes: Buffer): string | Problem {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    // The first line that does not decode.
    let start = 0;
    let line = 1;
    for (;;) {
      const end = bytes.indexOf(0x0a, start);
      const slice = bytes.subarray(start, end < 0 ? bytes.length : end);
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(slice);
      } catch {
        return { file, line, message: 'is not valid UTF-8 (a byte that is no character); save the file as UTF-8' };
      }
      if (end < 0) return { file, message: 'is not valid UTF-8; save the file as UTF-8' };
      start = end + 1;
      line++;
    }
  }
  const found = findInvisible(text);
  if (found) {
    return { file, line: found.line, message: `holds the invisible or control character ${describeCharacter(found.character)} at column ${found.column}; configuration text must be exactly what a reviewer sees` };
  }
  return text;
}

/** The problem for a js-yaml error that is one of `READ_LIMITS`, or undefined for other errors. */
function limitProblem(file: string, error: unknown): Problem | undefined {
  const message = error instanceof Error ? error.message : '';
  const line = (error as { mark?: { line?: number } }).mark?.line;
  const at = line === undefined ? {} : { line: line + 1 };
  if (/exceeded maxAliases/.test(message)) return { file, ...at, message: `more than ${READ_LIMITS.maxAliases} YAML aliases (*name) in one file (limit); write the values out` };
  if (/exceeded maxDepth/.test(message)) return { file, ...at, message: `lists and mappings nest deeper than ${READ_LIMITS.maxDepth} levels (limit)` };
  if (error instanceof RangeError) return { file, message: `too large to parse (${message})` };
  return undefined;
}

/** Counts the values of `data` (aliases expanded) up to `max`; 'values' or 'depth' when a limit is hit. */
function countValues(data: unknown, max: number, maxDepth: number): number | 'values' | 'depth' {
  let count = 0;
  const stack: Array<[unknown, number]> = [[data, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (++count > max) return 'values';
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return 'depth';
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
  return count;
}

/** Path of the first mapping key `key` in `data`. */
function findKey(data: unknown, key: string, segments: string[] = []): string[] | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  for (const [k, child] of Array.isArray(data) ? data.map((v, i) => [String(i), v] as const) : Object.entries(data)) {
    if (!Array.isArray(data) && k === key) return [...segments, k];
    const found = findKey(child, key, [...segments, k]);
    if (found) return found;
  }
  return undefined;
}
