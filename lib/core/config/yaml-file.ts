import * as fs from 'fs';
import * as path from 'path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { Document, isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, visit, YAMLError } from 'yaml';
import { fieldPath, Problem } from '../errors';
import { Explained } from '../validation/explain';

/**
 * A parsed configuration file that can point problems at the line they are on.
 *
 * Files are read with js-yaml (YAML 1.2 core schema: `yes` stays a string, duplicate keys are
 * errors), about four times faster than building a full document, which matters with thousands of
 * tenant files. Only a file that has a problem is parsed again with `yaml`, whose document knows
 * where each key is and whose syntax errors read well.
 */
export class YamlFile {
  /** Reads and parses `file`; a syntax error, an empty file or a non-mapping document is a problem. */
  public static read(file: string): YamlFile | Problem {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      return { file, message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    }
    let data: unknown;
    try {
      data = load(text, { schema: CORE_SCHEMA });
    } catch {
      return YamlFile.readSlowly(file, text);
    }
    if (data === null || data === undefined) return { file, message: 'file is empty; expected a YAML mapping' };
    if (typeof data !== 'object' || Array.isArray(data)) return { file, line: 1, message: 'expected a YAML mapping at the top level' };
    return new YamlFile(file, text, data as Record<string, unknown>);
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
    return new YamlFile(file, text, document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>);
  }

  private parsed?: { document: Document; lineCounter: LineCounter };

  private constructor(
    public readonly file: string,
    private readonly text: string,
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
