/**
 * Exact decimal arithmetic for prices: a value is an integer mantissa and a power-of-ten scale,
 * so 0.1 * 3 is exactly 0.3 and the ceiling is taken on the true decimal result.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Parses a finite JS number through its shortest round-trip decimal form (what the user typed). */
export function dec(value: number | string): Decimal {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal: ${text}`);
  const frac = m[3] ?? '';
  const units = BigInt(`${m[1]}${m[2] || '0'}${frac}`);
  return { units, scale: frac.length };
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  const s = String(n);
  const e = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!e) return s;
  const [, sign, int, frac = '', expText] = e;
  const exp = Number(expText);
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const pow10 = (n: number) => 10n ** BigInt(n);

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x - y, scale };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Smallest integer not below the value. */
export function ceil(a: Decimal): bigint {
  const d = pow10(a.scale);
  const q = a.units / d;
  return a.units > 0n && a.units % d !== 0n ? q + 1n : q;
}

export function decimalString(a: Decimal): string {
  const neg = a.units < 0n;
  const digits = (neg ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const int = digits.slice(0, digits.length - a.scale);
  const frac = digits.slice(digits.length - a.scale).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * a / b rounded half away from zero to `digits` decimal places: exact for every quotient that
 * terminates within them (3.75e-06 / 3e-06 is 1.25), as ratios of published prices do.
 */
export function div(a: Decimal, b: Decimal, digits = 12): Decimal {
  if (b.units === 0n) throw new Error('division by zero');
  const num = a.units * pow10(b.scale + digits);
  const den = b.units * pow10(a.scale);
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = n / d + ((n % d) * 2n >= d ? 1n : 0n);
  return { units: neg ? -q : q, scale: digits };
}

/** The JS number nearest the decimal (its shortest form parses back to the same decimal). */
export const toNumber = (a: Decimal): number => Number(decimalString(a));
