// Columns for the journal (分户账) table, chosen from the fields the API's lines carry: known
// fields in a fixed order with their formats, so the table follows the contract's line shape
// without guessing when a field is absent.

import { yuan } from "../format.js";
import { label, t } from "../i18n.js";

// [field, label key, format, numeric, may wrap]
const KNOWN = [
  ["position", "col.position"],
  ["booked_on", "col.booked_on"],
  ["entry", "col.kind", (v) => label("entry", v)],
  ["source", "col.source", (v) => label("source", v)],
  ["appropriation_year", "col.appropriation_year"],
  ["category", "col.category", (v) => (v ? label("category", v) : "")],
  ["voucher_no", "col.reference", (v, row) => v || row.document_no || "—"],
  ["description", "col.description", undefined, false, true],
  ["inflow", "col.inflow", yuan, true],
  ["outflow", "col.outflow", yuan, true],
  ["balance", "col.balance", yuan, true],
];

export function journalColumns(rows) {
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  if (present.has("document_no")) present.add("voucher_no"); // one column: 凭证号 or 文号
  return KNOWN.filter(([key]) => present.has(key))
    .map(([key, labelKey, format, numeric, wrap]) => ({ key, label: t(labelKey), format, numeric: Boolean(numeric), wrap: Boolean(wrap) }));
}
