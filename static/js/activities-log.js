/* The work log page: steppers, visits, Save, and the day kept on the phone until the server has it.
 *
 * Every change is written to localStorage under one key per tenant, member
 * and day ({storagePrefix}{date}) as a *draft*. Save turns the form into the
 * entry's *pending* copy and PUTs the whole day. The pending copy stays until
 * the server answers 200; if the network is down it is sent again on the
 * browser's `online` event, on the next page load, and every 30 s while one
 * waits. PUT replaces the day, so sending the same copy twice never counts
 * anything twice. A 400 is shown next to the fields and the copy goes back to
 * being a draft: it is never retried on its own.
 */
(function () {
  "use strict";

  const configElement = document.getElementById("worklog-config");
  if (!configElement) return;
  const config = JSON.parse(configElement.textContent);
  const labels = config.labels;
  const form = document.querySelector('[data-form="worklog"]');
  const statusElement = form.querySelector('[data-field="status"]');
  const saveButton = form.querySelector('[data-action="save"]');
  const visitList = form.querySelector('[data-list="visits"]');
  const visitTemplate = document.getElementById("worklog-visit-row");
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const csrfToken = csrfInput ? csrfInput.value : "";
  const itemNames = config.items.map((item) => item.name);
  // The member's own book for the visit picker: a row whose name is picked from the list links to that entry.
  const bookByLabel = new Map((config.book || []).map((entry) => [entry.label, entry]));
  const bookById = new Map((config.book || []).map((entry) => [entry.id, entry]));
  const standards = Object.fromEntries(config.items.map((item) => [item.name, item.standard]));
  const ownKey = config.storagePrefix + config.date;
  const RETRY_MS = 30000;
  const sending = new Set();
  let retryTimer = null;

  const interpolate = (text, values) => text.replace(/%\((\w+)\)s/g, (all, name) => (name in values ? values[name] : all));

  // --- the phone's copy ----------------------------------------------------------

  /* Entry: {draft: day|null, pending: day|null, base: the server's day when the draft began}. */
  function readEntry(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeEntry(key, entry) {
    try {
      if (!entry || (!entry.draft && !entry.pending)) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(entry));
    } catch (error) {
      // Storage full or disabled (private mode): the form still holds the day and Save still sends it.
    }
  }

  function storedKeys() {
    const keys = [];
    try {
      for (let index = 0; index < window.localStorage.length; index += 1) {
        const key = window.localStorage.key(index);
        if (key && key.startsWith(config.storagePrefix)) keys.push(key);
      }
    } catch (error) {
      return [];
    }
    return keys;
  }

  /* The day as the API takes it: the five counts and the visits, in a fixed key order. */
  function normalise(day) {
    const out = {};
    itemNames.forEach((name) => {
      out[name] = day[name];
    });
    out.visits = (day.visits || []).map((visit) => ({
      name: visit.name,
      phone: visit.phone || "",
      kind: visit.kind,
      customer: visit.customer || null,
    }));
    return out;
  }

  const same = (a, b) => JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));

  // --- the form ------------------------------------------------------------------

  function input(name) {
    return form.querySelector(`input[name="${name}"]`);
  }

  /* A count as typed: a whole number when it is one, else the text, so that the server names the mistake. */
  function countOf(name) {
    const text = input(name).value.trim();
    return /^\d+$/.test(text) ? Number(text) : text;
  }

  function filledVisitRows() {
    return Array.from(visitList.querySelectorAll("[data-visit]")).filter(
      (row) =>
        row.querySelector(".visit-name").value.trim() ||
        row.querySelector(".visit-phone").value.trim() ||
        row.querySelector(".visit-customer").value
    );
  }

  /* Link a row to a book entry (or unlink it with null); the row shows a link to the customer's page. */
  function linkRow(row, customerId, url) {
    row.querySelector(".visit-customer").value = customerId ? String(customerId) : "";
    row.classList.toggle("linked", Boolean(customerId));
    const link = row.querySelector('[data-field="visit-book"]');
    if (!link) return;
    const entry = customerId ? bookById.get(Number(customerId)) : null;
    const href = url || (entry ? entry.url : customerId && config.customerUrl.replace("{id}", customerId));
    link.hidden = !href;
    if (href) link.href = href;
  }

  /* A name picked from the book list fills the row from the entry; typing over a linked row unlinks it. */
  function pickFromBook(row, field) {
    const nameInput = row.querySelector(".visit-name");
    if (field === nameInput) {
      const entry = bookByLabel.get(nameInput.value);
      if (entry) {
        nameInput.value = entry.name;
        row.querySelector(".visit-phone").value = entry.phone || "";
        linkRow(row, entry.id);
        return;
      }
    }
    // The server links the row again by its phone (or its name) when it still names a book entry.
    if (row.querySelector(".visit-customer").value) linkRow(row, null);
  }

  function collect() {
    const day = {};
    itemNames.forEach((name) => {
      day[name] = countOf(name);
    });
    // A row left empty is not a visit; a row with a phone but no name is sent so the server can say what is missing.
    day.visits = filledVisitRows().map((row) => {
      const customer = row.querySelector(".visit-customer").value;
      return {
        name: row.querySelector(".visit-name").value.trim(),
        phone: row.querySelector(".visit-phone").value.trim(),
        kind: row.querySelector(".visit-kind").value,
        customer: customer ? Number(customer) : null,
      };
    });
    return day;
  }

  function addVisitRow(visit) {
    const row = visitTemplate.content.firstElementChild.cloneNode(true);
    if (visit) {
      row.querySelector(".visit-name").value = visit.name || "";
      row.querySelector(".visit-phone").value = visit.phone || "";
      if (visit.kind) row.querySelector(".visit-kind").value = visit.kind;
      linkRow(row, visit.customer || null);
    }
    visitList.appendChild(row);
    return row;
  }

  function fill(day) {
    itemNames.forEach((name) => {
      input(name).value = day[name] === undefined || day[name] === null ? 0 : day[name];
    });
    visitList.replaceChildren();
    (day.visits || []).forEach((visit) => addVisitRow(visit));
    itemNames.forEach(showProgress);
  }

  function showProgress(name) {
    const row = form.querySelector(`[data-item="${name}"]`);
    const value = Number(input(name).value) || 0;
    const standard = standards[name];
    const text = row.querySelector('[data-field="progress"]');
    if (standard === null || standard === undefined) {
      text.textContent = String(value);
      return;
    }
    text.textContent = `${value} / ${standard}`;
    const met = value >= standard;
    row.classList.toggle("met", met);
    const fill = row.querySelector(".bar .fill");
    if (fill) fill.style.width = `${standard ? Math.min(100, Math.round((value * 100) / standard)) : 100}%`;
  }

  function keepDraft() {
    const entry = readEntry(ownKey) || { draft: null, pending: null, base: config.server };
    const day = collect();
    // Back to what the server holds and nothing waiting: nothing to keep.
    entry.draft = !entry.pending && same(day, config.server) ? null : day;
    if (!entry.pending) entry.base = config.server;
    writeEntry(ownKey, entry);
  }

  // --- messages ------------------------------------------------------------------

  function setStatus(state, text) {
    statusElement.dataset.state = state;
    statusElement.textContent = text;
    statusElement.hidden = !text;
  }

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach((element) => {
      element.hidden = true;
      element.textContent = "";
    });
    form.querySelectorAll(".invalid").forEach((element) => element.classList.remove("invalid"));
  }

  function flatten(value) {
    const out = [];
    const walk = (part) => {
      if (part === null || part === undefined) return;
      if (typeof part === "string") out.push(part);
      else if (Array.isArray(part)) part.forEach(walk);
      else Object.values(part).forEach(walk);
    };
    walk(value);
    return out;
  }

  function showError(element, messages) {
    if (!element || !messages.length) return false;
    element.textContent = messages.join(" ");
    element.hidden = false;
    return true;
  }

  /* Put each message of a 400 beside its field; what has no field goes to the status line. */
  function showErrors(answer) {
    clearErrors();
    const general = [];
    Object.entries(answer || {}).forEach(([field, value]) => {
      if (itemNames.includes(field)) {
        const row = form.querySelector(`[data-item="${field}"]`);
        row.classList.add("invalid");
        showError(row.querySelector(".field-error"), flatten(value));
      } else if (field === "visits") {
        const rows = filledVisitRows();
        const perRow = Array.isArray(value) && value.some((part) => part && typeof part === "object");
        if (perRow) {
          value.forEach((part, index) => {
            const messages = flatten(part);
            const row = rows[index];
            if (row && messages.length) {
              row.classList.add("invalid");
              showError(row.querySelector(".field-error"), messages);
            } else if (messages.length) {
              general.push(...messages);
            }
          });
        } else {
          showError(form.querySelector('[data-error-for="visits"]'), flatten(value));
        }
      } else {
        general.push(...flatten(value));
      }
    });
    setStatus("error", [labels.invalid, ...general].join(" "));
    const first = form.querySelector(".invalid input, .invalid, .field-error:not([hidden])");
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  // --- sending -------------------------------------------------------------------

  function dateOf(key) {
    return key.slice(config.storagePrefix.length);
  }

  function put(date, day) {
    return fetch(`${config.apiRoot}${date}/`, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(day),
    });
  }

  function busy(on) {
    saveButton.disabled = on || config.locked;
    saveButton.setAttribute("aria-busy", on ? "true" : "false");
  }

  function scheduleRetry() {
    if (retryTimer === null) retryTimer = window.setInterval(flushAll, RETRY_MS);
  }

  function stopRetryIfIdle() {
    const waiting = storedKeys().some((key) => (readEntry(key) || {}).pending);
    if (!waiting && retryTimer !== null) {
      window.clearInterval(retryTimer);
      retryTimer = null;
    }
  }

  function markDay(date, day) {
    const cell = document.querySelector(`.week li[data-date="${date}"]`);
    if (!cell || date !== config.date) return;
    const measured = itemNames.filter((name) => standards[name] !== null && standards[name] !== undefined);
    const met = measured.length > 0 && measured.every((name) => Number(day[name]) >= standards[name]);
    const state = met ? "met" : "logged";
    cell.classList.remove("met", "logged", "missed", "open");
    cell.classList.add(state);
    cell.dataset.state = state;
    // Today counts towards the streak only while it meets the standard.
    const streakLine = document.querySelector('[data-field="streak"]');
    if (config.isToday && streakLine) streakLine.textContent = met ? labels.streakIfMet : labels.streakIfNotMet;
  }

  /* Send the pending copy stored under `key` until the server has the latest one; return how it ended. */
  async function flush(key) {
    if (sending.has(key)) return "busy";
    sending.add(key);
    const own = key === ownKey;
    if (own) busy(true);
    try {
      for (;;) {
        const entry = readEntry(key);
        if (!entry || !entry.pending) return "done";
        const sent = entry.pending;
        if (!navigator.onLine) throw new TypeError("offline");
        if (own) setStatus("saving", labels.saving);
        const response = await put(dateOf(key), sent);
        const current = readEntry(key) || { draft: null, pending: null, base: null };
        if (response.ok) {
          const saved = normalise(await response.json());
          // A Save made while this one was on its way stays pending and goes next.
          if (current.pending && same(current.pending, sent)) current.pending = null;
          if (current.draft && same(current.draft, saved)) current.draft = null;
          current.base = saved;
          writeEntry(key, current);
          if (own) {
            config.server = saved;
            // The server linked new rows to the book: show it, unless the form changed while the save was away.
            if (same(collect(), sent)) fill(saved);
            clearErrors();
            setStatus("saved", labels.saved);
          } else {
            setStatus("saved", interpolate(labels.resentOther, { date: dateOf(key) }));
          }
          markDay(dateOf(key), saved);
          continue;
        }
        if (response.status >= 500) {
          // The server is in trouble: keep the copy and try again later.
          if (own) setStatus("pending", interpolate(labels.failed, { status: response.status }));
          scheduleRetry();
          return "later";
        }
        if (response.status === 401 || response.status === 403) {
          // Logged out or refused: keep the copy; the next page load after logging in sends it.
          if (own) setStatus("error", labels.denied);
          return "denied";
        }
        // A 400 (or another refusal): show it and stop; the copy goes back to being a draft on this phone.
        if (current.pending && same(current.pending, sent)) {
          current.draft = current.draft || current.pending;
          current.pending = null;
          writeEntry(key, current);
        }
        let answer = {};
        try {
          answer = await response.json();
        } catch (error) {
          answer = { detail: interpolate(labels.failed, { status: response.status }) };
        }
        if (own) showErrors(answer);
        return "refused";
      }
    } catch (error) {
      // No network (fetch threw, or the browser knows it is offline): the copy waits on the phone.
      if (own) setStatus("pending", labels.pending);
      scheduleRetry();
      return "offline";
    } finally {
      sending.delete(key);
      if (own) busy(false);
      stopRetryIfIdle();
    }
  }

  async function flushAll() {
    // Other days first: the page's own day reports last, so its message is the one left showing.
    const keys = storedKeys().sort((a, b) => (a === ownKey) - (b === ownKey));
    for (const key of keys) {
      const entry = readEntry(key);
      if (entry && entry.pending) await flush(key);
    }
  }

  function save() {
    clearErrors();
    const entry = readEntry(ownKey) || { draft: null, pending: null, base: config.server };
    entry.pending = collect();
    entry.draft = null;
    writeEntry(ownKey, entry);
    if (!navigator.onLine) {
      setStatus("pending", labels.pending);
      scheduleRetry();
      return;
    }
    flush(ownKey);
  }

  // --- wiring --------------------------------------------------------------------

  form.addEventListener("click", (event) => {
    const step = event.target.closest("[data-step]");
    if (step) {
      const field = step.parentElement.querySelector("input");
      const current = Number(field.value) || 0;
      field.value = Math.max(0, Math.min(config.cap, current + Number(step.dataset.step)));
      showProgress(field.name);
      keepDraft();
      return;
    }
    if (event.target.closest('[data-action="add-visit"]')) {
      addVisitRow(null).querySelector(".visit-name").focus();
      keepDraft();
      return;
    }
    const remove = event.target.closest('[data-action="remove-visit"]');
    if (remove) {
      remove.closest("[data-visit]").remove();
      keepDraft();
    }
  });

  form.addEventListener("input", (event) => {
    if (itemNames.includes(event.target.name)) showProgress(event.target.name);
    const row = event.target.closest("[data-visit]");
    if (row && (event.target.name === "visit-name" || event.target.name === "visit-phone")) {
      pickFromBook(row, event.target);
    }
    keepDraft();
  });
  form.addEventListener("change", keepDraft);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  window.addEventListener("online", flushAll);
  window.addEventListener("offline", () => {
    const entry = readEntry(ownKey);
    if (entry && entry.pending) setStatus("pending", labels.pending);
  });

  // On load: what this phone holds for the day wins over the server's copy while it waits to be sent.
  const stored = readEntry(ownKey);
  if (stored && stored.pending) {
    fill(stored.draft || stored.pending);
    setStatus("pending", labels.pending);
  } else if (stored && stored.draft) {
    if (stored.base && !same(stored.base, config.server)) {
      // The server's day changed since (another phone, a supervisor): it wins over an unsaved draft.
      writeEntry(ownKey, null);
    } else if (!same(stored.draft, config.server)) {
      fill(stored.draft);
      setStatus("pending", labels.restored);
    }
  }
  if (!config.locked) busy(false);
  if (navigator.onLine) flushAll();
  else if (storedKeys().some((key) => (readEntry(key) || {}).pending)) scheduleRetry();
})();
