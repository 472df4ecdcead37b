// Columns for the journal (分户账) table, chosen from the fields the API's lines carry: known
// fields in a fixed order with their formats, so the table follows the contract's line shape
// without guessing when a field is absent.

import { yuan } from "../format.js";
import { label, t } from "../i18n.js";

const KNOWN = [
  ["position", "col.position"],
  ["booked_on", "col.booked_on"],
  ["kind", "col.kind"],
  ["type", "col.kind"],
  ["source", "col.source", (v) => label("source", v)],
  ["appropriation_year", "col.appropriation_year"],
  ["category", "col.category", (v) => (v ? label("category", v) : "")],
  ["voucher_no", "col.voucher"],
  ["document_no", "col.voucher"],
  ["description", "col.description"],
  ["amount", "col.amount", yuan, true],
  ["debit", "col.amount", yuan, true],
  ["credit", "col.amount", yuan, true],
  ["balance", "col.balance", yuan, true],
];

export function journalColumns(rows) {
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  const used = new Set();
  const columns = [];
  for (const [key, labelKey, format, numeric] of KNOWN) {
    if (!present.has(key) || used.has(labelKey + key)) continue;
    used.add(labelKey + key);
    const text = key === "debit" || key === "credit" ? `${t(labelKey)} (${key === "debit" ? "借" : "贷"})` : t(labelKey);
    columns.push({ key, label: columns.some((c) => c.label === text) ? `${text} (${key})` : text, format, numeric: Boolean(numeric) });
  }
  return columns;
}
