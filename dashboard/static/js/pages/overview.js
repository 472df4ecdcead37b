// Overview for a fiscal year and as-of date: execution rate per university and per class
// against time progress, lagging and at-risk projects, surplus awaiting recovery, carried-over
// money at risk, and matching shortfalls. Amounts in 万元, as the department reads them.

import { getJSON } from "../api.js";
import { chartBox, rateBars } from "../charts.js";
import { defaultYear, listOf, projects, universityNames } from "../data.js";
import { dataTable, errorBox, exportLinks, footerRow, h, loading, render, section } from "../dom.js";
import { chartNumber, percent, points, sumCents, toCents, wan } from "../format.js";
import { label, t } from "../i18n.js";

const RATES = "/v1/reports/execution-rates";
const CARRY = "/v1/reports/carry-overs";
const MATCHING = "/v1/reports/matching";

function overviewHash(query) {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v));
  return `#/overview?${params}`;
}

function controls(year, asOf, program, programs) {
  const programSelect = h("select", { id: "program", name: "program" },
    h("option", { value: "" }, t("common.all")),
    programs.map((code) => h("option", { value: code, selected: code === program }, label("program", code))));
  const yearInput = h("input", { id: "year", name: "year", type: "number", min: "2000", max: "2100", value: year, required: true });
  // A text field with an ISO pattern, not type="date": the browser would show its locale's format.
  const asOfInput = h("input", {
    id: "as_of", name: "as_of", type: "text", value: asOf || "", inputmode: "numeric", size: "10",
    pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: "YYYY-MM-DD", "aria-describedby": "as_of-hint",
  });
  return h("form", {
    className: "controls", "aria-label": `${t("common.year")} / ${t("common.as_of")}`,
    onsubmit: (event) => {
      event.preventDefault();
      window.location.hash = overviewHash({ year: yearInput.value, as_of: asOfInput.value, program: programSelect.value });
    },
  },
  h("label", { for: "year" }, t("common.year")), yearInput,
  h("label", { for: "as_of" }, t("common.as_of")), asOfInput,
  h("span", { id: "as_of-hint", className: "hint" }, "YYYY-MM-DD"),
  h("label", { for: "program" }, t("col.program")), programSelect,
  h("button", { type: "submit" }, t("common.apply")));
}

function kpi(id, title, value, tone) {
  return h("div", { className: `kpi ${tone || ""}`.trim(), id },
    h("span", { className: "kpi-label" }, title), h("strong", { className: "kpi-value" }, value));
}

function checkpointText(checkpoints) {
  if (!checkpoints || !checkpoints.length) return "—";
  // Compact: "06-30 ✗ 11.90%", the threshold in the tooltip and in the accessible name.
  return h("span", { className: "checkpoints" }, checkpoints.map((c) => {
    const verdict = t(c.passed ? "checkpoint.passed" : "checkpoint.failed");
    const full = `${c.date} ≥${percent(c.min_rate)}: ${percent(c.rate)} ${verdict}`;
    return h("span", { className: c.passed ? "cp ok" : "cp behind", title: full, "aria-label": full },
      `${String(c.date).slice(5)} ${c.passed ? "✓" : "✗"} ${percent(c.rate)}`);
  }));
}

function statusBadge(status) {
  return h("span", { className: `badge status-${status}` }, label("status", status));
}

export async function render_(root, route) {
  render(root, loading());
  const year = route.query.year || String(await defaultYear());
  const asOf = route.query.as_of || "";
  const university = route.query.university || "";
  const program = route.query.program || "";
  const params = { year, as_of: asOf, program };
  let report; let carry; let matching; let names; let projectList;
  try {
    [report, carry, matching, names, projectList] = await Promise.all([
      getJSON(RATES, params),
      getJSON(CARRY, params).catch((error) => ({ error })),
      getJSON(MATCHING, params).catch((error) => ({ error })),
      universityNames().catch(() => new Map()),
      projects().catch(() => []),
    ]);
  } catch (error) {
    render(root, h("h1", {}, t("overview.title")), controls(year, asOf, program, []), errorBox(error));
    return;
  }
  const effectiveAsOf = report.as_of || asOf;
  const tp = chartNumber(report.time_progress) ?? 0;
  const rows = listOf(report);
  const totals = report.totals || {};
  const projectNames = new Map(projectList.map((p) => [p.code || p.project_code, p.name]));
  const uniName = (code) => names.get(code) || code;
  const keep = { year, as_of: effectiveAsOf, program };
  const programs = [...new Set(projectList.map((p) => p.program).filter(Boolean))].sort();
  // The carry-over and matching reports have no program filter: keep the chosen program's rows.
  const programOf = new Map(projectList.map((p) => [p.code || p.project_code, p.program]));
  const inProgram = (row) => !program || programOf.get(row.project_code) === program;

  // KPIs
  const overall = totals.overall || {};
  const lagging = rows.filter((r) => r.status === "LAGGING");
  const atRisk = rows.filter((r) => r.status === "AT_RISK_OF_REDUCTION");
  const kpis = h("div", { className: "kpis", role: "group", "aria-label": t("overview.title") },
    kpi("kpi-available", t("overview.kpi.available"), wan(overall.available)),
    kpi("kpi-spent", t("overview.kpi.spent"), wan(overall.spent)),
    kpi("kpi-rate", t("overview.kpi.rate"), percent(overall.rate), chartNumber(overall.rate) < tp ? "behind" : "ok"),
    kpi("kpi-tp", t("overview.kpi.tp"), percent(report.time_progress)),
    kpi("kpi-lagging", t("overview.kpi.lagging"), String(lagging.length), lagging.length ? "behind" : "ok"),
    kpi("kpi-at-risk", t("overview.kpi.at_risk"), String(atRisk.length), atRisk.length ? "behind" : "ok"));

  const rateExports = (extra = {}) => exportLinks(RATES, { ...params, as_of: effectiveAsOf, ...extra }, ["csv", "xlsx"], `execution-rates-${year}`);
  const kpiSource = h("p", { className: "kpi-source", id: "kpi-source" }, rateExports());

  // By university
  const byUniversity = (totals.by_university || []).map((row) => ({
    ...row,
    university_name: uniName(row.university_code),
    lagging_count: rows.filter((r) => r.university_code === row.university_code && r.status !== "ON_TRACK").length,
  }));
  const uniColumns = [
    { key: "university_name", label: t("col.university") },
    { key: "university_code", label: t("col.university_code") },
    { key: "available", label: t("col.available"), numeric: true, format: wan },
    { key: "spent", label: t("col.spent"), numeric: true, format: wan },
    { key: "rate", label: t("col.rate"), numeric: true, format: percent },
    { key: "lagging_count", label: t("col.lagging_count"), numeric: true },
  ];
  const uniHref = (row) => overviewHash({ ...keep, university: row.university_code });
  const uniChart = chartBox(t("overview.chart.aria", { title: t("overview.by_university"), tp: percent(report.time_progress) }), "chart-university");
  const uniSection = section({ id: "by-university", title: t("overview.by_university"), unit: t("common.unit.wan"), exports: rateExports() },
    uniChart,
    dataTable({
      id: "table-university", caption: t("overview.by_university"), columns: uniColumns, rows: byUniversity,
      link: (row) => ({ href: uniHref(row) }),
      rowClass: (row) => (row.university_code === university ? "selected" : ""),
    }));

  // By class
  const byClass = (totals.by_class || []).map((row) => ({ ...row, class_label: label("class", row.project_class) }));
  const classColumns = [
    { key: "class_label", label: t("col.class") },
    { key: "available", label: t("col.available"), numeric: true, format: wan },
    { key: "spent", label: t("col.spent"), numeric: true, format: wan },
    { key: "rate", label: t("col.rate"), numeric: true, format: percent },
  ];
  const classChart = chartBox(t("overview.chart.aria", { title: t("overview.by_class"), tp: percent(report.time_progress) }), "chart-class");
  const classSection = section({ id: "by-class", title: t("overview.by_class"), unit: t("common.unit.wan"), exports: rateExports() },
    classChart, dataTable({ id: "table-class", caption: t("overview.by_class"), columns: classColumns, rows: byClass }));

  // Projects: lagging/at-risk everywhere, or every project of the chosen university.
  const shown = (university ? rows.filter((r) => r.university_code === university) : rows.filter((r) => r.status !== "ON_TRACK"))
    .map((r) => ({ ...r, name: projectNames.get(r.project_code) || "", university_name: uniName(r.university_code) }))
    .sort((a, b) => (chartNumber(a.gap_pp) ?? 0) - (chartNumber(b.gap_pp) ?? 0));
  const projectColumns = [
    { key: "project_code", label: t("col.project") },
    { key: "name", label: t("col.project_name"), wrap: true },
    { key: "university_name", label: t("col.university") },
    { key: "project_class", label: t("col.class"), format: (v) => label("class", v) },
    { key: "available", label: t("col.available"), numeric: true, format: wan },
    { key: "spent", label: t("col.spent"), numeric: true, format: wan },
    { key: "rate", label: t("col.rate"), numeric: true, format: percent },
    { key: "time_progress", label: t("col.tp"), numeric: true, format: percent },
    { key: "gap_pp", label: t("col.gap"), numeric: true, format: points },
    { key: "status", label: t("col.status"), format: statusBadge },
    { key: "checkpoints", label: t("col.checkpoints"), format: checkpointText, wrap: true },
  ];
  const projectHref = (row) => `#/project/${encodeURIComponent(row.project_code)}?${new URLSearchParams({ year, as_of: effectiveAsOf })}`;
  const projectsTitle = university ? t("overview.projects.of", { university: uniName(university) }) : t("overview.projects");
  const projectsSection = section({ id: "projects", title: projectsTitle, unit: t("common.unit.wan"), exports: rateExports(university ? { university } : {}) },
    university ? h("p", {}, h("a", { href: overviewHash(keep), id: "clear-university" }, t("overview.projects.clear"))) : null,
    shown.length
      ? dataTable({ id: "table-projects", caption: projectsTitle, columns: projectColumns, rows: shown, link: (row) => ({ href: projectHref(row) }), rowClass: (row) => `row-${row.status}` })
      : h("p", { className: "empty" }, t("overview.projects.empty")));

  render(root,
    h("h1", {}, `${t("overview.title")} · ${year}`),
    controls(year, effectiveAsOf, program, programs),
    kpis,
    kpiSource,
    h("div", { className: "grid-2" }, uniSection, classSection),
    projectsSection,
    carrySections(carry, keep, projectHref, uniName, projectList, inProgram),
    matchingSection(matching, keep, projectHref, projectList, inProgram));

  rateBars(uniChart, {
    categories: byUniversity.map((row) => row.university_name),
    rates: byUniversity.map((row) => chartNumber(row.rate)),
    timeProgress: tp,
    onSelect: (index) => { window.location.hash = uniHref(byUniversity[index]); },
  });
  rateBars(classChart, {
    categories: byClass.map((row) => row.class_label),
    rates: byClass.map((row) => chartNumber(row.rate)),
    timeProgress: tp,
  });
  if (university) document.getElementById("projects-title").focus?.();
}

function withUniversity(rows, projectList, uniName) {
  const universityOf = new Map(projectList.map((p) => [p.code || p.project_code, p.university_code]));
  return rows.map((r) => ({ ...r, university_name: uniName(universityOf.get(r.project_code) || "") }));
}

function carrySections(carry, keep, projectHref, uniName, projectList, inProgram) {
  if (carry.error) return section({ id: "surplus", title: t("overview.surplus") }, errorBox(carry.error));
  const rows = withUniversity(listOf(carry).filter(inProgram), projectList, uniName);
  const whole = { year: keep.year, as_of: keep.as_of }; // the report has no program filter
  const exports = exportLinks(CARRY, whole, ["csv", "xlsx"], `carry-overs-${keep.year}`);
  const awaiting = rows.filter((r) => (toCents(r.surplus_awaiting) ?? 0n) > 0n);
  const columns = [
    { key: "project_code", label: t("col.project") },
    { key: "university_name", label: t("col.university") },
    { key: "source", label: t("col.source"), format: (v) => label("source", v) },
    { key: "appropriation_year", label: t("col.appropriation_year"), numeric: true },
    { key: "surplus_awaiting", label: t("col.surplus_awaiting"), numeric: true, format: wan },
  ];
  const surplus = section({ id: "surplus", title: t("overview.surplus"), unit: t("common.unit.wan"), exports },
    awaiting.length
      ? dataTable({ id: "table-surplus", caption: t("overview.surplus"), columns, rows: awaiting, link: (r) => ({ href: projectHref(r) }),
        footer: footerRow(columns, { surplus_awaiting: wan(sumCents(awaiting.map((r) => r.surplus_awaiting))) }) })
      : h("p", { className: "empty" }, t("overview.surplus.empty")));
  const risky = rows.filter((r) => (toCents(r.at_risk_amount) ?? 0n) > 0n);
  const riskColumns = [
    { key: "project_code", label: t("col.project") },
    { key: "university_name", label: t("col.university") },
    { key: "source", label: t("col.source"), format: (v) => label("source", v) },
    { key: "appropriation_year", label: t("col.appropriation_year"), numeric: true },
    { key: "age_years", label: t("col.age_years"), numeric: true },
    { key: "available", label: t("col.available"), numeric: true, format: wan },
    { key: "at_risk_amount", label: t("col.at_risk_amount"), numeric: true, format: wan },
    { key: "days_to_year_end", label: t("col.days_to_year_end"), numeric: true },
  ];
  const atRisk = risky.length ? section({ id: "carry-at-risk", title: t("overview.at_risk_carry"), unit: t("common.unit.wan"), exports: exportLinks(CARRY, whole, ["csv", "xlsx"], `carry-overs-${keep.year}`) },
    dataTable({ id: "table-carry-risk", caption: t("overview.at_risk_carry"), columns: riskColumns, rows: risky, link: (r) => ({ href: projectHref(r) }),
      footer: footerRow(riskColumns, { at_risk_amount: wan(sumCents(risky.map((r) => r.at_risk_amount))) }) })) : null;
  return [surplus, atRisk];
}

function matchingSection(matching, keep, projectHref, projectList, inProgram) {
  if (matching.error) return section({ id: "matching", title: t("overview.matching") }, errorBox(matching.error));
  const names = new Map(projectList.map((p) => [p.code || p.project_code, p.university_name]));
  const rows = listOf(matching).filter(inProgram)
    .filter((r) => (toCents(r.shortfall) ?? 0n) > 0n || (toCents(r.year_shortfall) ?? 0n) > 0n)
    .map((r) => ({ ...r, university_name: names.get(r.project_code) || "" }));
  const columns = [
    { key: "project_code", label: t("col.project") },
    { key: "university_name", label: t("col.university") },
    { key: "required", label: t("col.required"), numeric: true, format: wan },
    { key: "contributed", label: t("col.contributed"), numeric: true, format: wan },
    { key: "ratio", label: t("col.ratio"), numeric: true, format: percent },
    { key: "shortfall", label: t("col.shortfall"), numeric: true, format: wan },
    { key: "year_required", label: t("col.year_required"), numeric: true, format: wan },
    { key: "year_contributed", label: t("col.year_contributed"), numeric: true, format: wan },
    { key: "year_shortfall", label: t("col.year_shortfall"), numeric: true, format: wan },
  ];
  const total = (key) => wan(sumCents(rows.map((r) => r[key])));
  return section({ id: "matching", title: t("overview.matching"), unit: t("common.unit.wan"), exports: exportLinks(MATCHING, { year: keep.year, as_of: keep.as_of }, ["csv", "xlsx"], `matching-${keep.year}`) },
    rows.length
      ? dataTable({ id: "table-matching", caption: t("overview.matching"), columns, rows, link: (r) => ({ href: projectHref(r) }),
        footer: footerRow(columns, { required: total("required"), contributed: total("contributed"), shortfall: total("shortfall"), year_required: total("year_required"), year_contributed: total("year_contributed"), year_shortfall: total("year_shortfall") }) })
      : h("p", { className: "empty" }, t("overview.matching.empty")));
}

export { render_ as render };
