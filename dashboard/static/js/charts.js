// ECharts wrappers (the library is served from vendor/echarts.min.js as a classic script and
// read from window.echarts). Every chart sits in a role="img" box with an aria-label, and every
// page shows the same numbers in a table next to it, so screen readers lose nothing.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const COLORS = { ok: "#2f6f4f", behind: "#c0392b", line: "#1f4e8c", tp: "#d35400" };
const live = new Set();

window.addEventListener("resize", () => live.forEach((chart) => chart.resize()));

/** A chart container with its accessible name. */
export function chartBox(ariaLabel, id) {
  return h("div", { className: "chart", role: "img", "aria-label": ariaLabel, id });
}

function init(container) {
  if (!window.echarts) return null; // the table alternative still carries the figures
  const chart = window.echarts.init(container, null, { renderer: "svg" });
  live.add(chart);
  return chart;
}

/** Forget charts whose containers left the page (called on every navigation). */
export function disposeCharts() {
  live.forEach((chart) => {
    if (!document.body.contains(chart.getDom())) {
      chart.dispose();
      live.delete(chart);
    }
  });
}

/**
 * Bars of execution rate (percent numbers) per category with a horizontal time-progress line.
 * Bars under the time progress are drawn red. ``onSelect(index)`` is called on a bar click.
 */
export function rateBars(container, { categories, rates, timeProgress, onSelect }) {
  const chart = init(container);
  if (!chart) return null;
  const tpLabel = `${t("col.tp")} ${timeProgress.toFixed(2)}%`;
  const many = categories.length > 15; // dozens of universities: scroll the bars, keep them readable
  chart.setOption({
    animation: false,
    grid: { left: 48, right: 24, top: 32, bottom: many ? 96 : 64, containLabel: false },
    dataZoom: many ? [{ type: "slider", start: 0, end: Math.round((15 / categories.length) * 100), bottom: 8 }, { type: "inside" }] : [],
    tooltip: { trigger: "axis", valueFormatter: (value) => (value === null ? "—" : `${Number(value).toFixed(2)}%`) },
    xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", name: "%", min: 0, max: (extent) => Math.max(100, Math.ceil(extent.max / 10) * 10) },
    series: [{
      type: "bar",
      name: t("col.rate"),
      data: rates.map((rate) => ({
        value: rate,
        itemStyle: { color: rate !== null && rate < timeProgress ? COLORS.behind : COLORS.ok },
      })),
      label: { show: true, position: "top", formatter: (p) => (p.value === null ? "—" : `${Number(p.value).toFixed(2)}%`) },
      markLine: {
        symbol: "none",
        lineStyle: { color: COLORS.tp, type: "dashed", width: 2 },
        label: { formatter: tpLabel, position: "insideEndTop" },
        data: [{ yAxis: timeProgress, name: tpLabel }],
      },
    }],
  });
  if (onSelect) chart.on("click", (params) => onSelect(params.dataIndex));
  return chart;
}

/** Lines of execution rate and time progress over dates (percent numbers), checkpoints as points. */
export function executionCurve(container, { dates, rates, timeProgress, checkpoints }) {
  const chart = init(container);
  if (!chart) return null;
  chart.setOption({
    animation: false,
    grid: { left: 48, right: 48, top: 48, bottom: 48 },
    legend: { top: 4 },
    tooltip: { trigger: "axis", valueFormatter: (value) => (value === null ? "—" : `${Number(value).toFixed(2)}%`) },
    xAxis: { type: "category", data: dates, boundaryGap: false },
    yAxis: { type: "value", name: "%", min: 0, max: (extent) => Math.max(100, Math.ceil(extent.max / 10) * 10) },
    series: [
      {
        type: "line", name: t("col.rate"), data: rates, connectNulls: false,
        lineStyle: { color: COLORS.line, width: 3 }, itemStyle: { color: COLORS.line },
        markPoint: checkpoints && checkpoints.length ? {
          symbol: "pin", symbolSize: 36,
          data: checkpoints.map((point) => ({
            coord: [point.date, point.min_rate], value: `${point.min_rate}%`,
            itemStyle: { color: point.passed ? COLORS.ok : COLORS.behind },
          })),
        } : undefined,
      },
      {
        type: "line", name: t("col.tp"), data: timeProgress,
        lineStyle: { color: COLORS.tp, type: "dashed", width: 2 }, itemStyle: { color: COLORS.tp },
      },
    ],
  });
  return chart;
}
