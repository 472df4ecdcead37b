// Sign-in: the user pastes the bearer token once; it is checked against the API and kept in
// sessionStorage (gone when the browser session ends).

import { ApiError, getJSON, setToken } from "../api.js";
import { h, render } from "../dom.js";
import { t } from "../i18n.js";

export async function render_(root, route) {
  const message = h("p", { id: "login-message", className: "error", role: "alert", hidden: !route.query.expired },
    route.query.expired ? t("login.invalid") : "");
  const input = h("input", {
    id: "token", name: "token", type: "password", autocomplete: "off", required: true,
    spellcheck: "false", "aria-describedby": "login-intro login-message",
  });
  const form = h("form", {
    className: "card login", "aria-labelledby": "login-title",
    onsubmit: async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      try {
        await getJSON("/v1/projects", {}, token);
      } catch (error) {
        // 403: a valid token without read rights (an admin token); it may still sign in.
        if (!(error instanceof ApiError && error.status === 403)) {
          message.textContent = error instanceof ApiError && error.status === 401
            ? t("login.invalid") : `${t("common.error")}: ${error.message}`;
          message.hidden = false;
          input.focus();
          return;
        }
      }
      setToken(token);
      window.location.hash = "#/overview";
    },
  },
  h("h1", { id: "login-title" }, t("login.title")),
  h("p", { id: "login-intro" }, t("login.intro")),
  h("label", { for: "token" }, t("login.token")),
  input,
  message,
  h("button", { type: "submit", id: "login-submit" }, t("login.submit")));
  render(root, form);
  input.focus();
}

export { render_ as render };
