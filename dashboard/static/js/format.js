// Number and date formatting for the dashboard.
//
// Amounts arrive as decimal strings ("1000000.00"); they are converted to BigInt cents so that
// sums and 万元 rounding stay exact (no binary floating point on money). Percentages arrive as
// decimal strings in percent ("33.33") and are shown as "33.33%".

const DASH = "—";

/** Parse a decimal amount string ("-1234.5", "1000000.00") into BigInt cents, or null. */
export function toCents(value) {
  if (value === null || value === undefined || value === "") return null;
  const text = String(value).trim();
  const match = /^(-?)(\d+)(?:\.(\d{0,2})\d*)?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, frac = ""] = match;
  const cents = BigInt(whole) * 100n + BigInt((frac + "00").slice(0, 2));
  return sign === "-" ? -cents : cents;
}

/** Group digits of a non-negative integer string in threes: "1234567" → "1,234,567". */
function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Format BigInt hundredths as "1,234.56" (with a minus sign when negative). */
function formatHundredths(hundredths) {
  const negative = hundredths < 0n;
  const abs = negative ? -hundredths : hundredths;
  const whole = groupThousands((abs / 100n).toString());
  const frac = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** Yuan with thousands separators and two decimals: "1000000.00" → "1,000,000.00". */
export function yuan(value) {
  const cents = toCents(value);
  return cents === null ? DASH : formatHundredths(cents);
}

/** Amount in 万元 (ten-thousand yuan), rounded half-up to 2 decimals: "4200000.00" → "420.00". */
export function wan(value) {
  const cents = typeof value === "bigint" ? value : toCents(value);
  if (cents === null) return DASH;
  // 1 万元 = 1,000,000 cents; hundredths of 万元 = cents / 10,000, rounded half away from zero.
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const rounded = (abs + 5000n) / 10000n;
  return formatHundredths(negative ? -rounded : rounded);
}

/** Sum a list of amount strings exactly; returns BigInt cents. */
export function sumCents(values) {
  return values.reduce((total, value) => total + (toCents(value) ?? 0n), 0n);
}

/** Format BigInt cents as yuan. */
export function yuanFromCents(cents) {
  return formatHundredths(cents);
}

/** Percentage string from the API ("33.33") → "33.33%"; null → "—". */
export function percent(value) {
  if (value === null || value === undefined || value === "") return DASH;
  const cents = toCents(value);
  return cents === null ? String(value) : `${formatHundredths(cents)}%`;
}

/** Percentage points with an explicit sign: "-37.68" → "-37.68", "5" → "+5.00". */
export function points(value) {
  if (value === null || value === undefined || value === "") return DASH;
  const cents = toCents(value);
  if (cents === null) return String(value);
  return `${cents > 0n ? "+" : ""}${formatHundredths(cents)}`;
}

/** A number for charts only (never for sums): "33.33" → 33.33; null stays null. */
export function chartNumber(value) {
  if (value === null || value === undefined || value === "") return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** ISO date (yyyy-mm-dd) of a Date in local time. */
export function isoDate(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** RFC 3339 time → "2018-06-30 12:34:56Z"-like ISO text, kept in UTC. */
export function isoTime(value) {
  if (!value) return DASH;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export { DASH };
