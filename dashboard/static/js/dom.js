// Small DOM helpers shared by the pages: element builder, accessible tables, sections with
// export links, and loading/error states.

import { ApiError, apiUrl, download } from "./api.js";
import { t } from "./i18n.js";

/** Create an element: h("a", {href: "#"}, "text", child...). ``on*`` attributes become listeners. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (key === "className") {
      element.className = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * An accessible data table.
 * columns: [{key, label, format?(value,row) → string|Node, numeric?, wrap? (long text may wrap)}]
 * link: optional (row) → {href, text} turning the first column into a link; a click anywhere
 * on the row follows it (keyboard users reach the link itself with Tab and press Enter).
 */
export function dataTable({ caption, columns, rows, link, id, footer, rowClass }) {
  const head = h("thead", {}, h("tr", {}, columns.map((column) =>
    h("th", { scope: "col", className: column.numeric ? "num" : undefined }, column.label))));
  const body = h("tbody", {});
  rows.forEach((row) => {
    const target = link ? link(row) : null;
    const cells = columns.map((column, index) => {
      const raw = row[column.key];
      let content = column.format ? column.format(raw, row) : raw ?? "—";
      if (index === 0 && target) content = h("a", { href: target.href }, content);
      const tag = index === 0 ? "th" : "td";
      const className = [column.numeric ? "num" : "", column.wrap ? "wrap" : ""].join(" ").trim() || undefined;
      return h(tag, { scope: index === 0 ? "row" : undefined, className }, content);
    });
    const tr = h("tr", { className: [target ? "clickable" : "", rowClass ? rowClass(row) : ""].join(" ").trim() || undefined }, cells);
    if (target) {
      tr.dataset.href = target.href;
      tr.addEventListener("click", (event) => {
        if (event.target.closest("a, button")) return;
        window.location.hash = target.href.replace(/^#/, "");
      });
    }
    body.append(tr);
  });
  const table = h("table", { id, className: "data" }, caption ? h("caption", {}, caption) : null, head, body, footer || null);
  return h("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-label": caption || t("common.table") }, table);
}

/** A table footer row: first cell label, then the given cells aligned with the columns. */
export function footerRow(columns, values) {
  return h("tfoot", {}, h("tr", {}, columns.map((column, index) =>
    h(index === 0 ? "th" : "td", { scope: index === 0 ? "row" : undefined, className: column.numeric ? "num" : undefined },
      index === 0 ? t("common.total") : values[column.key] ?? ""))));
}

/**
 * Links to the exports a figure comes from. Each link has the real report URL as href; a click
 * downloads it through fetch with the bearer token.
 */
export function exportLinks(path, params, formats, basename) {
  const links = formats.map((format) => {
    const query = format === "json" ? params : { ...params, format };
    const href = apiUrl(path, query);
    const name = `${basename}.${format}`;
    return h("a", {
      href,
      className: "export",
      dataset: { export: format },
      "aria-label": `${t("common.export")} ${basename} ${format.toUpperCase()}`,
      onclick: async (event) => {
        event.preventDefault();
        const anchor = event.currentTarget;
        anchor.setAttribute("aria-busy", "true");
        try {
          await download(path, query, name);
        } catch (error) {
          anchor.after(errorBox(error));
        } finally {
          anchor.removeAttribute("aria-busy");
        }
      },
    }, format.toUpperCase());
  });
  return h("span", { className: "exports" }, `${t("common.export")}：`, links);
}

/** A titled section with optional export links and a unit note. */
export function section({ id, title, exports, unit }, ...content) {
  const headingId = `${id}-title`;
  return h("section", { id, className: "card", "aria-labelledby": headingId },
    h("header", { className: "card-head" },
      h("h2", { id: headingId, tabindex: "-1" }, title),
      unit ? h("span", { className: "unit" }, unit) : null,
      exports || null),
    ...content);
}

export function loading() {
  return h("p", { className: "loading", role: "status" }, t("common.loading"));
}

/** Explain an error in the user's language (403/404 get their own sentence, plus the API's detail). */
export function errorBox(error) {
  let text = `${t("common.error")}: ${error.message}`;
  if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
    const detail = error.problem && error.problem.detail ? ` (${error.problem.detail})` : "";
    text = `${t(error.status === 403 ? "common.forbidden" : "common.notfound")}${detail}`;
  }
  return h("p", { className: "error", role: "alert" }, text);
}

/** Replace the children of ``target`` with ``nodes``. */
export function render(target, ...nodes) {
  target.replaceChildren(...nodes.flat().filter(Boolean));
}
