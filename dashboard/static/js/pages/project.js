// A project's page: registration facts, the account by source and tranche, the execution curve
// over the year against time progress, the journal, assets and unregistered capital spending,
// and carry-over ageing. Amounts in yuan with thousands separators.

import { getJSON } from "../api.js";
import { chartBox, executionCurve } from "../charts.js";
import { listOf, projects } from "../data.js";
import { dataTable, errorBox, exportLinks, h, loading, render, section } from "../dom.js";
import { chartNumber, isoDate, percent, yuan } from "../format.js";
import { label, t } from "../i18n.js";
import { journalColumns } from "./journal-columns.js";

const RATES = "/v1/reports/execution-rates";

async function picker(root) {
  const list = await projects();
  const columns = [
    { key: "code", label: t("col.project") },
    { key: "name", label: t("col.project_name") },
    { key: "university_name", label: t("col.university") },
    { key: "project_class", label: t("col.class"), format: (v) => label("class", v) },
    { key: "program", label: t("col.program") },
  ];
  render(root, h("h1", {}, t("project.pick")), h("p", {}, t("project.pick.empty")),
    dataTable({ id: "table-project-list", caption: t("project.pick"), columns, rows: list.map((p) => ({ ...p, code: p.code || p.project_code })),
      link: (p) => ({ href: `#/project/${encodeURIComponent(p.code)}` }) }));
}

/** Month ends of ``year`` up to ``asOf`` (inclusive), plus ``asOf`` itself when it is not one. */
export function curveDates(year, asOf) {
  const dates = [];
  for (let month = 1; month <= 12; month += 1) {
    const end = isoDate(new Date(Number(year), month, 0));
    if (asOf && end > asOf) break;
    dates.push(end);
  }
  if (asOf && asOf.startsWith(`${year}-`) && !dates.includes(asOf)) dates.push(asOf);
  return dates;
}

function facts(project) {
  const item = (term, value) => [h("dt", {}, term), h("dd", {}, value ?? "—")];
  const lead = typeof project.lead === "object" && project.lead ? project.lead.name ?? JSON.stringify(project.lead) : project.lead;
  return h("dl", { className: "facts" },
    item(t("col.project"), project.code || project.project_code),
    item(t("col.university"), `${project.university_name ?? ""} (${project.university_code ?? ""})`),
    item(t("col.program"), `${label("program", project.program)} (${project.program})`),
    item(t("col.class"), label("class", project.project_class)),
    item(t("project.period"), `${project.period_start_year}–${project.period_end_year}`),
    item(t("project.lead"), lead),
    item(t("project.status"), label("status", project.status)));
}

/** Flatten the account into table rows: tranches / pools, then each source's totals. */
function accountRows(account) {
  const rows = [];
  for (const source of account.sources || []) {
    const name = label("source", source.source);
    if (source.fiscal) {
      for (const tranche of source.tranches || []) {
        rows.push({ ...tranche, source_label: name, received: tranche.allocated, kind: "tranche" });
      }
    } else {
      rows.push({ source_label: name, appropriation_year: "—", received: source.contributed, spent: source.spent, available: source.available, kind: "pool" });
    }
    if (source.totals && (source.fiscal ? (source.tranches || []).length !== 1 : false)) {
      rows.push({ ...source.totals, source_label: `${name} ${t("common.total")}`, appropriation_year: "", kind: "total" });
    }
  }
  if (account.fiscal_total) rows.push({ ...account.fiscal_total, source_label: t("project.fiscal_total"), appropriation_year: "", kind: "total" });
  if (account.total) rows.push({ ...account.total, source_label: t("project.grand_total"), appropriation_year: "", kind: "total" });
  return rows;
}

async function executionSeries(project, year, asOf) {
  const dates = curveDates(year, asOf || `${year}-12-31`);
  const reports = await Promise.all(dates.map((date) =>
    getJSON(RATES, { year, as_of: date, university: project.university_code }).catch(() => null)));
  const code = project.code || project.project_code;
  return dates.map((date, index) => {
    const report = reports[index];
    const row = report ? listOf(report).find((r) => r.project_code === code) : null;
    return { date, rate: row ? row.rate : null, time_progress: row ? row.time_progress : report?.time_progress ?? null, spent: row?.spent, available: row?.available, checkpoints: row?.checkpoints || [] };
  });
}

export async function render_(root, route) {
  if (!route.param) {
    render(root, loading());
    try { await picker(root); } catch (error) { render(root, errorBox(error)); }
    return;
  }
  const code = route.param;
  render(root, loading());
  let project;
  try {
    project = await getJSON(`/v1/projects/${encodeURIComponent(code)}`);
  } catch (error) {
    render(root, h("h1", {}, code), errorBox(error));
    return;
  }
  const thisYear = new Date().getFullYear();
  const year = route.query.year || String(Math.min(thisYear, Number(project.period_end_year) || thisYear));
  const asOf = route.query.as_of || "";
  const [account, journal, assets, unregistered, carry, series] = await Promise.all([
    getJSON(`/v1/projects/${encodeURIComponent(code)}/account`, { as_of: asOf }).catch((error) => ({ error })),
    getJSON(`/v1/projects/${encodeURIComponent(code)}/journal`, { year }).catch((error) => ({ error })),
    getJSON(`/v1/projects/${encodeURIComponent(code)}/assets`).catch((error) => ({ error })),
    getJSON("/v1/reports/unregistered-assets", { as_of: asOf }).catch((error) => ({ error })),
    getJSON("/v1/reports/carry-overs", { year, as_of: asOf }).catch((error) => ({ error })),
    executionSeries(project, year, asOf).catch(() => []),
  ]);
  const effectiveAsOf = account.as_of || asOf;
  const back = h("a", { href: `#/overview?${new URLSearchParams({ year, as_of: effectiveAsOf })}`, className: "back" }, `← ${t("nav.overview")}`);
  render(root,
    back,
    h("h1", {}, `${project.name ?? code}`),
    section({ id: "facts", title: t("project.facts") }, facts(project)),
    accountSection(account, code, year),
    curveSection(series, project, year, effectiveAsOf),
    journalSection(journal, code, year),
    assetsSection(assets),
    unregisteredSection(unregistered, code, effectiveAsOf),
    carrySection(carry, code, year, effectiveAsOf));
  const curve = document.getElementById("chart-curve");
  if (curve && series.length) {
    const last = [...series].reverse().find((point) => point.checkpoints.length) || { checkpoints: [] };
    executionCurve(curve, {
      dates: series.map((p) => p.date),
      rates: series.map((p) => chartNumber(p.rate)),
      timeProgress: series.map((p) => chartNumber(p.time_progress)),
      checkpoints: last.checkpoints.map((c) => ({ ...c, min_rate: chartNumber(c.min_rate) })).filter((c) => series.some((p) => p.date === c.date)),
    });
  }
}

function accountSection(account, code, year) {
  const exports = exportLinks("/v1/reports/final-accounts", { project: code, year }, ["xlsx"], `final-accounts-${code}-${year}`);
  if (account.error) return section({ id: "account", title: t("project.account") }, errorBox(account.error));
  const columns = [
    { key: "source_label", label: t("col.source") },
    { key: "appropriation_year", label: t("col.appropriation_year"), numeric: true },
    { key: "received", label: t("col.received"), numeric: true, format: yuan },
    { key: "carried_into_year", label: t("col.carried_into_year"), numeric: true, format: (v) => (v === undefined ? "" : yuan(v)) },
    { key: "spent", label: t("col.spent"), numeric: true, format: yuan },
    { key: "available", label: t("col.available"), numeric: true, format: yuan },
    { key: "status", label: t("col.status"), format: (v) => (v ? label("status", v) : "") },
    { key: "surplus", label: t("col.surplus"), numeric: true, format: (v) => (v === undefined ? "" : yuan(v)) },
    { key: "recovered", label: t("col.recovered"), numeric: true, format: (v) => (v === undefined ? "" : yuan(v)) },
    { key: "surplus_awaiting", label: t("col.surplus_awaiting"), numeric: true, format: (v) => (v === undefined ? "" : yuan(v)) },
  ];
  return section({ id: "account", title: `${t("project.account")} · ${t("common.as_of")} ${account.as_of ?? ""}`, unit: t("common.unit.yuan"), exports },
    dataTable({ id: "table-account", caption: t("project.account"), columns, rows: accountRows(account), rowClass: (row) => `row-${row.kind}` }));
}

function curveSection(series, project, year, asOf) {
  const exports = exportLinks(RATES, { year, as_of: asOf, university: project.university_code }, ["csv", "xlsx"], `execution-rates-${year}`);
  const columns = [
    { key: "date", label: t("project.curve.date") },
    { key: "available", label: t("col.available"), numeric: true, format: yuan },
    { key: "spent", label: t("col.spent"), numeric: true, format: yuan },
    { key: "rate", label: t("col.rate"), numeric: true, format: percent },
    { key: "time_progress", label: t("col.tp"), numeric: true, format: percent },
  ];
  return section({ id: "curve", title: `${t("project.curve")} · ${year}`, unit: t("common.unit.yuan"), exports },
    chartBox(t("project.curve.aria"), "chart-curve"),
    h("details", {}, h("summary", {}, t("common.table")),
      dataTable({ id: "table-curve", caption: t("project.curve"), columns, rows: series })));
}

function journalSection(journal, code, year) {
  const exports = exportLinks("/v1/exports/journal.beancount", { project: code }, ["json"], `journal-${code}.beancount`);
  exports.querySelector("a").textContent = "beancount";
  if (journal.error) return section({ id: "journal", title: t("project.journal") }, errorBox(journal.error));
  const rows = listOf(journal);
  return section({ id: "journal", title: `${t("project.journal")} · ${year}`, unit: t("common.unit.yuan"), exports },
    rows.length ? dataTable({ id: "table-journal", caption: t("project.journal"), columns: journalColumns(rows), rows }) : h("p", { className: "empty" }, t("common.none")));
}

function assetsSection(assets) {
  if (assets.error) return section({ id: "assets", title: t("project.assets") }, errorBox(assets.error));
  const rows = listOf(assets);
  const columns = [
    { key: "asset_no", label: t("col.asset_no") },
    { key: "name", label: t("col.asset_name") },
    { key: "original_value", label: t("col.original_value"), numeric: true, format: yuan },
    { key: "quantity", label: t("col.quantity"), numeric: true },
    { key: "acquired_on", label: t("col.acquired_on") },
  ];
  return section({ id: "assets", title: t("project.assets"), unit: t("common.unit.yuan") },
    rows.length ? dataTable({ id: "table-assets", caption: t("project.assets"), columns, rows }) : h("p", { className: "empty" }, t("common.none")));
}

function unregisteredSection(report, code, asOf) {
  const exports = exportLinks("/v1/reports/unregistered-assets", { as_of: asOf }, ["csv", "xlsx"], "unregistered-assets");
  if (report.error) return section({ id: "unregistered", title: t("project.unregistered") }, errorBox(report.error));
  const rows = listOf(report).filter((r) => r.project_code === code);
  const columns = [
    { key: "booked_on", label: t("col.booked_on") },
    { key: "category", label: t("col.category"), format: (v) => label("category", v) },
    { key: "net_amount", label: t("col.net_amount"), numeric: true, format: yuan },
    { key: "registered", label: t("col.registered"), numeric: true, format: yuan },
    { key: "unregistered", label: t("col.unregistered"), numeric: true, format: yuan },
  ];
  return section({ id: "unregistered", title: t("project.unregistered"), unit: t("common.unit.yuan"), exports },
    rows.length ? dataTable({ id: "table-unregistered", caption: t("project.unregistered"), columns, rows }) : h("p", { className: "empty" }, t("common.none")));
}

function carrySection(report, code, year, asOf) {
  const exports = exportLinks("/v1/reports/carry-overs", { year, as_of: asOf }, ["csv", "xlsx"], `carry-overs-${year}`);
  if (report.error) return section({ id: "carry", title: t("project.carry") }, errorBox(report.error));
  const rows = listOf(report).filter((r) => r.project_code === code);
  const columns = [
    { key: "source", label: t("col.source"), format: (v) => label("source", v) },
    { key: "appropriation_year", label: t("col.appropriation_year"), numeric: true },
    { key: "status", label: t("col.status"), format: (v) => label("status", v) },
    { key: "age_years", label: t("col.age_years"), numeric: true },
    { key: "available", label: t("col.available"), numeric: true, format: yuan },
    { key: "at_risk_amount", label: t("col.at_risk_amount"), numeric: true, format: yuan },
    { key: "days_to_year_end", label: t("col.days_to_year_end"), numeric: true },
    { key: "surplus_awaiting", label: t("col.surplus_awaiting"), numeric: true, format: yuan },
  ];
  return section({ id: "carry", title: `${t("project.carry")} · ${year}`, unit: t("common.unit.yuan"), exports },
    rows.length ? dataTable({ id: "table-carry", caption: t("project.carry"), columns, rows }) : h("p", { className: "empty" }, t("common.none")));
}

export { render_ as render };
