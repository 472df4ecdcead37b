// The dashboard shell: hash routing, sign-in state, language toggle and navigation.
//
// Routes: #/login, #/overview?year=&as_of=&university=, #/project/CODE?year=&as_of=,
// #/audit?project=CODE. Every page module exports render(main, route).

import { clearToken, getToken } from "./api.js";
import { disposeCharts } from "./charts.js";
import { lang, setLang, t } from "./i18n.js";
import * as audit from "./pages/audit.js";
import * as login from "./pages/login.js";
import * as overview from "./pages/overview.js";
import * as project from "./pages/project.js";

const PAGES = { login, overview, project, audit };

/** Parse the hash into {page, param, query}: "#/project/X?year=2018" → project, "X", {year}. */
export function parseRoute(hash = window.location.hash) {
  const [path, search = ""] = hash.replace(/^#\/?/, "").split("?");
  const [page = "overview", ...rest] = path.split("/");
  return {
    page: page || "overview",
    param: rest.length ? decodeURIComponent(rest.join("/")) : null,
    query: Object.fromEntries(new URLSearchParams(search)),
  };
}

function applyShellLabels() {
  document.documentElement.lang = lang() === "en" ? "en" : "zh-CN";
  document.title = `${t("app.title")} · fundledger`;
  document.getElementById("app-title").textContent = t("app.title");
  document.getElementById("app-subtitle").textContent = t("app.subtitle");
  document.getElementById("skip-link").textContent = t("skip");
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav.main"));
  nav.querySelectorAll("a[data-route]").forEach((link) => {
    link.textContent = t(`nav.${link.dataset.route}`);
  });
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = t("nav.lang");
  toggle.setAttribute("aria-label", t("nav.lang.aria"));
  document.getElementById("logout").textContent = t("nav.logout");
}

async function show() {
  const route = parseRoute();
  const signedIn = Boolean(getToken());
  if (!signedIn && route.page !== "login") {
    window.location.hash = "#/login";
    return;
  }
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("logout").hidden = !signedIn;
  document.querySelectorAll("#nav a[data-route]").forEach((link) => {
    if (link.dataset.route === route.page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
  const page = PAGES[route.page] ?? overview;
  const main = document.getElementById("main");
  // Each navigation renders into a fresh root: a slower, older render then fills a detached
  // element instead of overwriting the current page.
  const root = document.createElement("div");
  root.className = "page";
  main.replaceChildren(root);
  delete main.dataset.ready;
  delete main.dataset.hash;
  main.setAttribute("aria-busy", "true");
  try {
    await page.render(root, route);
  } finally {
    if (root.isConnected) {
      main.removeAttribute("aria-busy");
      // The page has finished loading this route (tests wait for both attributes).
      main.dataset.ready = route.page;
      main.dataset.hash = window.location.hash;
    }
    disposeCharts();
  }
}

function start() {
  applyShellLabels();
  // The skip link must not change the hash (the hash is the route): move focus instead.
  document.getElementById("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    document.getElementById("main").focus();
  });
  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLang(lang() === "en" ? "zh" : "en");
    applyShellLabels();
    show();
  });
  document.getElementById("logout").addEventListener("click", () => {
    clearToken();
    window.location.hash = "#/login";
  });
  window.addEventListener("fundledger:unauthorized", () => {
    clearToken();
    if (parseRoute().page !== "login") window.location.hash = "#/login?expired=1";
  });
  window.addEventListener("hashchange", () => {
    show();
    document.getElementById("main").focus({ preventScroll: true });
  });
  show();
}

start();
