/** One thing wrong with the input, located as precisely as we can. */
export interface Problem {
  /** File the problem is in, relative to the working directory (config files) or the object it is about. */
  readonly file?: string;
  /** 1-based line in `file`, when known. */
  readonly line?: number;
  /** Field path inside the file or object, e.g. `owners[0].kind`. */
  readonly field?: string;
  /** What is wrong and what is allowed instead. */
  readonly message: string;
}

/**
 * Bad input: configuration that cannot be rendered, or rendered objects that fail their schema.
 * Carries every problem found so one run shows all of them.
 */
export class PlatformError extends Error {
  public readonly problems: readonly Problem[];

  constructor(summary: string, problems: readonly Problem[]) {
    super(`${summary}\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'PlatformError';
    this.problems = problems;
  }
}

/** Prints `error` for a command-line user: the summary, then every problem on its own line. */
export function printError(error: unknown, print: (line: string) => void = console.error): void {
  if (error instanceof PlatformError) {
    print(`error: ${error.message.split('\n')[0]}`);
    for (const problem of error.problems) print(`  - ${formatProblem(problem)}`);
  } else {
    print(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function formatProblem(problem: Problem): string {
  const where = [problem.file && (problem.line ? `${problem.file}:${problem.line}` : problem.file), problem.field]
    .filter(Boolean)
    .join(': ');
  return where ? `${where}: ${problem.message}` : problem.message;
}

/** Renders a JSON pointer (`/spec/owners/0/kind`) as a readable field path (`spec.owners[0].kind`). */
export function fieldPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A short, single-line rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON has no infinity or NaN (it writes null); say what the YAML said.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
