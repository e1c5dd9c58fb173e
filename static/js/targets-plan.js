/* The plan page: the target-against-actual chart, Allocate, inline overrides and their history.
 *
 * Writes go to the REST API with the session and the CSRF token; on success
 * the page reloads, so what is shown always comes from the server.
 */
(function () {
  "use strict";

  const labelsElement = document.getElementById("plan-labels");
  if (!labelsElement) return;
  const labels = JSON.parse(labelsElement.textContent);
  const api = JSON.parse(document.getElementById("plan-api").textContent);
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const csrfToken = csrfInput ? csrfInput.value : "";
  const lang = document.documentElement.lang || "zh-hans";
  const locale = lang.toLowerCase().startsWith("zh") ? "zh-CN" : lang;
  const $ = (selector, root) => (root || document).querySelector(selector);
  const interpolate = (text, values) => text.replace(/%\((\w+)\)s/g, (all, key) => (key in values ? values[key] : all));
  const withId = (url, id) => url.replace(/\/0\/((?:history\/)?)$/, `/${id}/$1`);

  function send(method, url, body) {
    return fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /* The messages of a DRF error answer, whatever field they sit under. */
  function messages(answer) {
    const out = [];
    const walk = (value) => {
      if (value == null) return;
      if (typeof value === "string") out.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else Object.values(value).forEach(walk);
    };
    walk(answer);
    return out;
  }

  // --- chart -------------------------------------------------------------------

  const chartData = document.getElementById("plan-chart-data");
  if (chartData && window.Plotly) {
    const figure = JSON.parse(chartData.textContent);
    window.Plotly.newPlot("plan-chart", figure.data, figure.layout, { responsive: true, displayModeBar: false });
  }

  // --- allocate ----------------------------------------------------------------

  const allocateButton = $('[data-action="allocate"]');
  if (allocateButton) {
    allocateButton.addEventListener("click", async () => {
      const status = $('[data-field="allocate-status"]');
      const error = $('[data-field="allocate-error"]');
      allocateButton.disabled = true;
      allocateButton.setAttribute("aria-busy", "true");
      status.hidden = false;
      error.hidden = true;
      try {
        const response = await send("POST", allocateButton.dataset.url);
        if (response.ok) {
          window.location.reload();
          return;
        }
        error.textContent = messages(await response.json().catch(() => ({}))).join(" ") || labels.unreachable;
      } catch (failure) {
        error.textContent = labels.unreachable;
      }
      error.hidden = false;
      status.hidden = true;
      allocateButton.disabled = false;
      allocateButton.removeAttribute("aria-busy");
    });
  }

  // --- overrides and history -------------------------------------------------------

  const table = $('[data-table="attainment"]');
  if (!table) return;

  function overrideRow(id) {
    return $(`tr[data-override-for="${id}"]`, table);
  }

  async function saveOverride(form, amount) {
    const error = $('[data-error-for="amount"]', form);
    const buttons = form.querySelectorAll("button");
    error.hidden = true;
    buttons.forEach((button) => (button.disabled = true));
    try {
      const response = await send("PATCH", withId(api.allocation, form.dataset.allocation), { amount });
      if (response.ok) {
        window.location.reload();
        return;
      }
      error.textContent = messages(await response.json().catch(() => ({}))).join("\n") || labels.unreachable;
    } catch (failure) {
      error.textContent = labels.unreachable;
    }
    error.hidden = false;
    buttons.forEach((button) => (button.disabled = false));
    $('input[name="amount"]', form).focus();
  }

  function formatWhen(text) {
    const when = new Date(text);
    return Number.isNaN(when.getTime())
      ? text
      : new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" }).format(when);
  }

  async function showHistory(button) {
    const row = $(`tr[data-history-for="${button.dataset.allocation}"]`, table);
    const open = row.hidden;
    row.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (!open || row.dataset.loaded) return;
    const box = $(".history", row);
    box.textContent = labels.loading;
    try {
      const response = await fetch(withId(api.history, button.dataset.allocation), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(messages(answer).join(" "));
      box.textContent = "";
      if (!answer.results.length) {
        box.textContent = labels.noHistory;
      } else {
        const list = document.createElement("ul");
        answer.results.forEach((change) => {
          const item = document.createElement("li");
          item.textContent = interpolate(labels.historyLine, {
            when: formatWhen(change.changed_at),
            who: change.changed_by || labels.system,
            kind: labels.kinds[change.kind] || change.kind,
            old: change.old_amount == null ? "—" : change.old_amount,
            new: change.new_amount == null ? "—" : change.new_amount,
          });
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      row.dataset.loaded = "true";
    } catch (failure) {
      box.textContent = failure.message || labels.unreachable;
    }
  }

  table.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]");
    if (!action) return;
    const kind = action.dataset.action;
    if (kind === "edit") {
      const row = overrideRow(action.dataset.allocation);
      row.hidden = !row.hidden;
      if (!row.hidden) $('input[name="amount"]', row).select();
    } else if (kind === "cancel") {
      action.closest("tr").hidden = true;
    } else if (kind === "clear-override") {
      saveOverride(action.closest("form"), null);
    } else if (kind === "history") {
      showHistory(action);
    }
  });

  table.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const amount = $('input[name="amount"]', form).value.replace(/[,\s，]/g, "");
    saveOverride(form, amount);
  });
})();
