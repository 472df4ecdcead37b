// The audit page: run the hash-chain and projection verification (auditors only) and keep its
// last result for the session; page through a project's raw events with their chain hashes.

import { getJSON } from "../api.js";
import { listOf, projects } from "../data.js";
import { dataTable, errorBox, h, loading, render, section } from "../dom.js";
import { isoTime } from "../format.js";
import { label, t } from "../i18n.js";

const LAST_VERIFY = "fundledger.lastVerify";
const PAGE_SIZE = 100;

/** Whether a verification body reports success, whichever boolean field name it uses. */
export function verificationPassed(result) {
  for (const key of ["ok", "valid", "passed", "verified", "intact"]) {
    if (typeof result?.[key] === "boolean") return result[key];
  }
  for (const key of ["findings", "differences", "problems"]) {
    if (Array.isArray(result?.[key])) return result[key].length === 0;
  }
  return null;
}

function scalarFacts(result) {
  // Scalars and lists of scalars as a definition list; labels from i18n ("verify.<field>").
  const entries = Object.entries(result || {}).filter(([, value]) =>
    value === null || typeof value !== "object" || (Array.isArray(value) && value.every((v) => typeof v !== "object")));
  return h("dl", { className: "facts", id: "verify-facts" },
    entries.flatMap(([key, value]) => [
      h("dt", {}, label("verify", key)),
      h("dd", { className: /hash|head/.test(key) ? "mono" : undefined, dataset: { field: key } },
        Array.isArray(value) ? value.join("、") || "—" : typeof value === "boolean" ? t(value ? "common.yes" : "common.no") : String(value ?? "—")),
    ]));
}

function findingsTable(result) {
  const findings = Array.isArray(result?.findings) ? result.findings : [];
  if (!findings.length) return null;
  const columns = [
    { key: "position", label: t("col.position"), numeric: true },
    { key: "check", label: label("verify", "check") },
    { key: "kind", label: label("verify", "kind") },
    { key: "detail", label: label("verify", "detail"), wrap: true },
  ];
  return dataTable({ id: "table-findings", caption: label("verify", "findings"), columns, rows: findings });
}

function verifyView(container) {
  const stored = JSON.parse(sessionStorage.getItem(LAST_VERIFY) || "null");
  if (!stored) {
    render(container, h("p", { className: "empty" }, t("audit.verify.never")));
    return;
  }
  const passed = verificationPassed(stored.result);
  render(container,
    h("p", { className: `verdict ${passed === false ? "behind" : "ok"}`, id: "verify-verdict", role: "status" },
      passed === false ? t("audit.verify.failed") : t("audit.verify.ok")),
    h("p", {}, `${t("audit.verify.at")}: ${isoTime(stored.at)}`),
    scalarFacts(stored.result),
    findingsTable(stored.result),
    h("details", {}, h("summary", {}, "JSON"), h("pre", { className: "json" }, JSON.stringify(stored.result, null, 2))));
}

function verifySection() {
  const result = h("div", { id: "verify-result", "aria-live": "polite" });
  const button = h("button", {
    type: "button", id: "verify-run",
    onclick: async () => {
      button.disabled = true;
      render(result, loading());
      try {
        const body = await getJSON("/v1/audit/verify");
        sessionStorage.setItem(LAST_VERIFY, JSON.stringify({ at: new Date().toISOString(), result: body }));
        verifyView(result);
      } catch (error) {
        render(result, errorBox(error));
      } finally {
        button.disabled = false;
      }
    },
  }, t("audit.verify.run"));
  const view = section({ id: "verify", title: t("audit.verify") }, h("p", {}, button), h("h3", {}, t("audit.verify.last")), result);
  verifyView(result);
  return view;
}

function eventRow(event) {
  const actor = event.actor && typeof event.actor === "object"
    ? [event.actor.name, event.actor.role, event.actor.organisation].filter(Boolean).join(" · ")
    : event.actor;
  const hash = event.hash ?? "";
  return {
    position: event.position,
    type: event.type,
    booked_on: event.booked_on ?? event.data?.booked_on ?? "",
    actor,
    recorded_at: isoTime(event.recorded_at),
    hash,
    data: event.data,
  };
}

const EVENT_COLUMNS = () => [
  { key: "position", label: t("col.position"), numeric: true },
  { key: "type", label: t("col.type") },
  { key: "booked_on", label: t("col.booked_on") },
  { key: "actor", label: t("col.actor") },
  { key: "recorded_at", label: t("col.recorded_at") },
  { key: "hash", label: t("col.hash"), format: (v) => h("code", { title: v }, v ? `${String(v).slice(0, 12)}…` : "—") },
  { key: "data", label: t("col.data"), format: (v) => h("details", {}, h("summary", {}, "JSON"), h("pre", { className: "json" }, JSON.stringify(v, null, 2))) },
];

async function eventsSection(code, list) {
  const select = h("select", { id: "event-project", name: "project" },
    h("option", { value: "" }, t("project.pick")),
    list.map((p) => h("option", { value: p.code || p.project_code, selected: (p.code || p.project_code) === code }, `${p.code || p.project_code} ${p.name ?? ""}`)));
  const form = h("form", {
    className: "controls",
    onsubmit: (event) => { event.preventDefault(); window.location.hash = `#/audit?project=${encodeURIComponent(select.value)}`; },
  }, h("label", { for: "event-project" }, t("col.project")), select, h("button", { type: "submit" }, t("common.apply")));
  const body = h("div", { id: "events" });
  const content = section({ id: "events-section", title: t("audit.events") }, form, body);
  if (!code) return content;
  const events = [];
  let after;
  const head = h("p", { id: "events-head" });
  const more = h("button", { type: "button", id: "events-more" }, t("common.more"));
  const load = async () => {
    const page = await getJSON(`/v1/projects/${encodeURIComponent(code)}/events`, { after, limit: PAGE_SIZE });
    events.push(...listOf(page).map(eventRow));
    after = page.next_after ?? null; // null: the last page has been read
    const last = events[events.length - 1];
    head.textContent = last ? `${t("audit.project_head")}: #${last.position} ${last.hash || "—"}` : t("audit.events.empty");
    render(body, head, events.length ? dataTable({ id: "table-events", caption: `${t("audit.events")} · ${code}`, columns: EVENT_COLUMNS(), rows: events }) : null,
      after !== null ? more : null);
  };
  more.addEventListener("click", () => load().catch((error) => body.append(errorBox(error))));
  try {
    await load();
  } catch (error) {
    render(body, errorBox(error));
  }
  return content;
}

export async function render_(root, route) {
  render(root, loading());
  const list = await projects().catch(() => []);
  const events = await eventsSection(route.query.project || "", list);
  render(root, h("h1", {}, t("audit.title")), verifySection(), events);
}

export { render_ as render };
