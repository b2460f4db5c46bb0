/**
 * Kubernetes quantities (`500m`, `2Gi`, `1e3`, or a YAML number), as numbers: enough to compare
 * amounts and to see a negative one. (Floating point: exact for any amount a person writes; the API
 * server's own arithmetic is exact.)
 */

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)))?$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The amount `quantity` stands for, or undefined when it is not a quantity (the schema reports that). */
export function quantityValue(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return Number.isFinite(quantity) ? quantity : undefined;
  if (typeof quantity !== 'string') return undefined;
  const match = QUANTITY.exec(quantity);
  if (!match) return undefined;
  const [, sign, digits, binary, decimal, exponent] = match;
  const scale = binary ? BINARY[binary] : decimal ? DECIMAL[decimal] : exponent ? 10 ** Number(exponent) : 1;
  return (sign === '-' ? -1 : 1) * Number(digits) * scale;
}
