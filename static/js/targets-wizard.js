/* The plan wizard: baseline from the API, a live preview drawn with plotly.js, submit to the API.
 *
 * Amounts are kept in hundredths (fen; a policy count is 100 hundredths) as
 * BigInt, so the running sum of the lines is exact to the fen, as the
 * server will check it. Every word shown comes translated from the page.
 */
(function () {
  "use strict";

  const form = document.getElementById("plan-wizard");
  if (!form) return;
  const labels = JSON.parse(document.getElementById("wizard-labels").textContent);
  const urls = JSON.parse(document.getElementById("wizard-urls").textContent);
  const lang = document.documentElement.lang || "zh-hans";
  const locale = lang.toLowerCase().startsWith("zh") ? "zh-CN" : lang;
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const PRESETS = { "3:4:3": ["3", "4", "3"], "2:5:3": ["2", "5", "3"] };
  const PLOT_CONFIG = { responsive: true, displayModeBar: false };
  const PALETTE = ["#c8102e", "#1f6feb", "#2da44e", "#bf8700", "#8250df", "#e16f24", "#0a7d7d", "#cf222e"];

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const input = (name) => form.elements.namedItem(name);
  const interpolate = (text, values) => text.replace(/%\((\w+)\)s/g, (all, key) => (key in values ? values[key] : all));

  // --- numbers -------------------------------------------------------------

  function cleanNumber(text) {
    return String(text == null ? "" : text).replace(/[,\s，]/g, "");
  }

  /* Return a non-negative decimal text with at most two places as hundredths, else null. */
  function toHundredths(text) {
    const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(cleanNumber(text));
    if (!match) return null;
    return BigInt(match[1]) * 100n + BigInt((match[2] || "").padEnd(2, "0"));
  }

  function metric() {
    return input("metric").value;
  }

  function places() {
    return metric() === "premium" ? 2 : 0;
  }

  /* The text the API gets: "1234.50" yuan, or "12" policies. */
  function apiText(hundredths) {
    if (metric() !== "premium") return (hundredths / 100n).toString();
    return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}`;
  }

  function formatNumber(number, digits) {
    return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(number);
  }

  /* An amount as the user reads it: yuan with grouping, or whole policies. */
  function formatAmount(hundredths) {
    return formatNumber(Number(hundredths) / 100, places());
  }

  /* A value for the charts: 万元 for premium, policies for counts. */
  function chartValue(hundredths) {
    return metric() === "premium" ? Number(hundredths) / 1e6 : Number(hundredths) / 100;
  }

  function formatChartValue(value) {
    return formatNumber(value, metric() === "premium" ? 2 : 0);
  }

  // --- errors --------------------------------------------------------------

  function setError(name, messages) {
    const element = $(`[data-error-for="${name}"]`, form) || $('[data-error-for="non_field_errors"]', form);
    const text = messages.join("\n");
    element.textContent = text;
    element.hidden = !text;
  }

  function clearErrors(names) {
    $$("[data-error-for]", form).forEach((element) => {
      if (!names || names.includes(element.dataset.errorFor)) {
        element.textContent = "";
        element.hidden = true;
      }
    });
  }

  /* Flatten DRF's {field: [messages]} into sentences. The lines' errors come keyed by
   * index ({"1": {"amount": [...]}}) or as a list; a tier's by its name: say which. */
  function sentences(value, prefix) {
    if (value == null) return [];
    if (typeof value === "string") return [prefix + value];
    const lineLabel = (index) => `${interpolate(labels.line, { number: index + 1 })}: `;
    if (Array.isArray(value)) {
      if (value.every((item) => typeof item === "string")) return value.map((item) => prefix + item);
      return value.flatMap((item, index) => sentences(item, lineLabel(index)));
    }
    return Object.entries(value).flatMap(([key, item]) => {
      if (/^\d+$/.test(key)) return sentences(item, lineLabel(Number(key)));
      return sentences(item, `${prefix}${labels.fields[key] ? `${labels.fields[key]}: ` : ""}`);
    });
  }

  function showErrors(body) {
    let first = null;
    Object.entries(body || {}).forEach(([key, value]) => {
      const name = key === "detail" ? "non_field_errors" : key;
      setError(name, sentences(value, ""));
      first = first || $(`[data-error-for="${name}"]`, form);
    });
    if (first) first.closest("section").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // --- baseline and total ----------------------------------------------------

  let baseline = null;
  let baselineRequest = 0;
  let totalTouched = false;

  function showBaseline() {
    const digits = places();
    const facts = {
      production: baseline ? formatNumber(Number(baseline.production), digits) : "—",
      agents: baseline ? String(baseline.agents) : "—",
      new_agents: baseline ? String(baseline.new_agents) : "—",
      per_agent: baseline ? formatNumber(Number(baseline.per_agent), digits) : "—",
      baseline: baseline ? formatNumber(Number(baseline.baseline), digits) : "—",
    };
    Object.entries(facts).forEach(([key, text]) => {
      const element = $(`[data-baseline="${key}"]`, form);
      element.textContent = "";
      if (key === "baseline") {
        const strong = document.createElement("strong");
        strong.textContent = text;
        element.appendChild(strong);
      } else {
        element.textContent = text;
      }
    });
  }

  async function loadBaseline() {
    const request = ++baselineRequest;
    const status = $('[data-field="baseline-status"]', form);
    status.textContent = labels.loading;
    status.hidden = false;
    const params = new URLSearchParams({
      year: input("year").value,
      quarter: input("quarter").value,
      metric: metric(),
      ramp_up_share: cleanNumber(input("ramp_up_share").value) || "0",
    });
    clearErrors(["year", "quarter", "metric", "ramp_up_share"]);
    try {
      const response = await fetch(`${urls.baseline}?${params}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => ({}));
      if (request !== baselineRequest) return;
      if (response.ok) {
        baseline = body;
        status.hidden = Number(body.baseline) > 0;
        status.textContent = Number(body.baseline) > 0 ? "" : labels.noBaseline;
      } else {
        baseline = null;
        status.hidden = true;
        showErrors(body);
      }
    } catch (error) {
      if (request !== baselineRequest) return;
      baseline = null;
      status.textContent = labels.unreachable;
    }
    showBaseline();
    update();
  }

  /* Baseline × (1 + uplift), rounded half up to the fen or the whole policy. */
  function suggestedTotal() {
    if (!baseline) return null;
    const base = toHundredths(baseline.baseline);
    const uplift = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(cleanNumber(input("uplift").value));
    if (base === null || !uplift) return null;
    let basisPoints = BigInt(uplift[2]) * 100n + BigInt((uplift[3] || "").padEnd(2, "0"));
    if (uplift[1]) basisPoints = -basisPoints;
    const scaled = base * (10000n + basisPoints);
    if (scaled <= 0n) return null;
    let total = (scaled + 5000n) / 10000n;
    if (metric() !== "premium") total = ((total + 50n) / 100n) * 100n;
    return total > 0n ? total : null;
  }

  function currentTotal() {
    return toHundredths(input("total").value);
  }

  // --- months ----------------------------------------------------------------

  function quarterMonths() {
    const first = 3 * (Number(input("quarter").value) - 1) + 1;
    return [first, first + 1, first + 2];
  }

  function weights() {
    return $$('input[name="weight"]', form).map((element) => cleanNumber(element.value));
  }

  function applyPreset() {
    const preset = form.querySelector('input[name="weights_preset"]:checked').value;
    const custom = preset === "custom";
    $$('input[name="weight"]', form).forEach((element, index) => {
      element.readOnly = !custom;
      if (!custom) element.value = PRESETS[preset][index];
    });
  }

  /* Each month's part of the total (for the preview; the server rounds to the fen exactly). */
  function monthParts(total) {
    const numbers = weights().map(Number);
    const sum = numbers.reduce((a, b) => a + b, 0);
    if (total === null || !(sum > 0) || numbers.some((n) => !(n > 0))) return null;
    return numbers.map((weight) => (chartValue(total) * weight) / sum);
  }

  // --- channel lines -----------------------------------------------------------

  const linesBody = document.getElementById("lines");
  const lineTemplate = document.getElementById("line-template");

  function addLine() {
    const row = lineTemplate.content.firstElementChild.cloneNode(true);
    linesBody.appendChild(row);
    renumber();
    return row;
  }

  function renumber() {
    $$("tr", linesBody).forEach((row, index) => {
      $('[data-field="line-number"]', row).textContent = String(index + 1);
    });
  }

  function lines() {
    return $$("tr", linesBody).map((row) => {
      const channel = $('[name="line_channel"]', row);
      const product = $('[name="line_product"]', row);
      const amountText = cleanNumber($('[name="line_amount"]', row).value);
      return {
        channel: channel.value,
        channelName: channel.selectedOptions[0] ? channel.selectedOptions[0].text : "",
        product: product.value,
        productName: product.selectedOptions[0] ? product.selectedOptions[0].text : "",
        amountText,
        amount: toHundredths(amountText),
      };
    });
  }

  // --- preview -----------------------------------------------------------------

  function drawSplit(valid) {
    const chart = document.getElementById("preview-split");
    $('[data-field="split-empty"]', form.parentNode).hidden = valid.length > 0;
    chart.hidden = valid.length === 0;
    if (!window.Plotly) return;
    if (!valid.length) {
      window.Plotly.purge(chart);
      return;
    }
    const unit = labels.unit[metric()];
    const channels = new Map();
    const products = new Map();
    valid.forEach((line) => {
      const channel = channels.get(line.channel) || { name: line.channelName, value: 0 };
      channel.value += chartValue(line.amount);
      channels.set(line.channel, channel);
      const id = `${line.channel}/${line.product}`;
      const product = products.get(id) || { name: line.productName, parent: line.channel, value: 0 };
      product.value += chartValue(line.amount);
      products.set(id, product);
    });
    const ids = [...channels.keys(), ...products.keys()];
    const trace = {
      type: "sunburst",
      ids,
      labels: [...channels.values(), ...products.values()].map((node) => node.name),
      parents: [...channels.keys()].map(() => "").concat([...products.values()].map((node) => node.parent)),
      values: [...channels.values(), ...products.values()].map((node) => node.value),
      branchvalues: "total",
      textinfo: "label+percent root",
      hovertemplate: `%{label}<br>%{customdata} ${unit}<extra></extra>`,
      customdata: [...channels.values(), ...products.values()].map((node) => formatChartValue(node.value)),
    };
    const layout = {
      title: { text: labels.splitTitle, font: { size: 15 } },
      margin: { l: 8, r: 8, t: 44, b: 8 },
      height: 320,
      sunburstcolorway: PALETTE,
      extendsunburstcolors: true,
      paper_bgcolor: "#fff",
    };
    window.Plotly.react(chart, [trace], layout, PLOT_CONFIG);
  }

  function drawMonths(total) {
    const chart = document.getElementById("preview-months");
    const parts = monthParts(total);
    const empty = $('[data-field="months-empty"]', form.parentNode);
    empty.hidden = parts !== null;
    empty.textContent = total === null ? labels.noTotal : labels.badWeights;
    chart.hidden = parts === null;
    if (!window.Plotly) return;
    if (parts === null) {
      window.Plotly.purge(chart);
      return;
    }
    const names = quarterMonths().map((month) => labels.months[month]);
    const unit = labels.unit[metric()];
    const trace = {
      type: "bar",
      x: names,
      y: parts,
      text: parts.map(formatChartValue),
      textposition: "auto",
      hovertemplate: `%{x}<br>%{text} ${unit}<extra></extra>`,
      marker: { color: "#c8102e" },
    };
    const layout = {
      title: { text: labels.monthsTitle, font: { size: 15 } },
      xaxis: { title: { text: labels.monthAxis }, type: "category" },
      yaxis: { title: { text: labels.valueAxis[metric()] }, rangemode: "tozero" },
      margin: { l: 60, r: 12, t: 44, b: 48 },
      height: 300,
      paper_bgcolor: "#fff",
      plot_bgcolor: "#fff",
    };
    window.Plotly.react(chart, [trace], layout, PLOT_CONFIG);
  }

  // --- everything that follows the form's values -----------------------------------

  let drawTimer = null;

  function update() {
    const suggested = suggestedTotal();
    $('[data-field="suggested"]', form).textContent = suggested === null ? "—" : formatAmount(suggested);
    if (!totalTouched) input("total").value = suggested === null ? "" : apiText(suggested);
    const total = currentTotal();

    $('[data-field="unit-name"]', form).textContent = labels.unitName[metric()];
    $('[data-field="total-hint"]', form).textContent =
      metric() === "premium" && total !== null
        ? interpolate(labels.tenThousand, { amount: formatNumber(Number(total) / 1e6, 2) })
        : "";

    const months = quarterMonths();
    const parts = monthParts(total);
    months.forEach((month, index) => {
      $(`[data-month-label="${index}"]`, form).textContent = labels.months[month];
      $(`[data-month-amount="${index}"]`, form).textContent = parts ? `${formatChartValue(parts[index])} ${labels.unit[metric()]}` : "";
    });

    const all = lines();
    const sum = all.reduce((acc, line) => acc + (line.amount === null ? 0n : line.amount), 0n);
    const check = $('[data-field="line-sum"]', form);
    if (total === null) {
      check.textContent = labels.noTotal;
      check.className = "sum-check";
    } else if (sum === total) {
      check.textContent = labels.sumMatches;
      check.className = "sum-check match";
    } else {
      check.textContent = interpolate(labels.sumDiffers, { sum: formatAmount(sum), total: formatAmount(total) });
      check.className = "sum-check mismatch";
    }
    check.dataset.match = String(total !== null && sum === total);

    const newShare = Number(cleanNumber(input("new_customer_share").value));
    $('[data-field="existing-share"]', form).textContent = Number.isFinite(newShare)
      ? formatNumber(100 - newShare, Number.isInteger(newShare) ? 0 : 2)
      : "—";
    const tiers = ["tier_top", "tier_middle", "tier_bottom"].map((name) => Number(cleanNumber(input(name).value)));
    const tierSum = tiers.reduce((a, b) => a + b, 0);
    const tierCheck = $('[data-field="tier-sum"]', form);
    tierCheck.textContent = `Σ ${Number.isFinite(tierSum) ? formatNumber(tierSum, Number.isInteger(tierSum) ? 0 : 2) : "—"}%`;
    tierCheck.className = `sum-check ${Math.abs(tierSum - 100) < 1e-9 ? "match" : "mismatch"}`;

    clearTimeout(drawTimer);
    drawTimer = setTimeout(() => {
      const valid = all.filter((line) => line.channel && line.product && line.amount !== null && line.amount > 0n);
      drawSplit(valid);
      drawMonths(total);
    }, 120);
  }

  // --- submit ------------------------------------------------------------------------

  function body() {
    const totalText = cleanNumber(input("total").value);
    const year = Number.parseInt(input("year").value, 10);
    return {
      year: Number.isNaN(year) ? input("year").value : year,
      quarter: Number(input("quarter").value),
      metric: metric(),
      total: totalText === "" ? null : totalText,
      uplift: cleanNumber(input("uplift").value),
      ramp_up_share: cleanNumber(input("ramp_up_share").value),
      month_weights: weights(),
      channel_lines: lines().map((line) => ({ channel: line.channel, product: line.product, amount: line.amountText })),
      tier_shares: {
        top: cleanNumber(input("tier_top").value),
        middle: cleanNumber(input("tier_middle").value),
        bottom: cleanNumber(input("tier_bottom").value),
      },
      new_customer_share: cleanNumber(input("new_customer_share").value),
    };
  }

  async function submit(event) {
    event.preventDefault();
    clearErrors();
    const button = $('[data-action="create-plan"]', form);
    const status = $('[data-field="submit-status"]', form);
    button.disabled = true;
    status.hidden = false;
    $('[data-field="submit-text"]', form).textContent = labels.saving;
    try {
      const response = await fetch(urls.plans, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body()),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.status === 201) {
        window.location.assign(urls.plan.replace(/\/0\/$/, `/${answer.id}/`));
        return;
      }
      showErrors(answer);
      if (!Object.keys(answer).includes("non_field_errors") && !Object.keys(answer).includes("detail")) {
        setError("non_field_errors", [labels.failed]);
      }
    } catch (error) {
      setError("non_field_errors", [labels.unreachable]);
    }
    status.hidden = true;
    button.disabled = false;
  }

  // --- wiring --------------------------------------------------------------------------

  form.addEventListener("input", (event) => {
    if (event.target.name === "total") totalTouched = true;
    update();
  });
  form.addEventListener("change", (event) => {
    const name = event.target.name;
    if (name === "weights_preset") applyPreset();
    if (["year", "quarter", "metric", "ramp_up_share"].includes(name)) loadBaseline();
    update();
  });
  form.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]");
    if (!action) return;
    if (action.dataset.action === "add-line") {
      $("select", addLine()).focus();
      update();
    } else if (action.dataset.action === "remove-line") {
      action.closest("tr").remove();
      if (!linesBody.children.length) addLine();
      renumber();
      update();
    } else if (action.dataset.action === "use-suggested") {
      totalTouched = false;
      update();
    }
  });
  form.addEventListener("submit", submit);

  addLine();
  applyPreset();
  update();
  loadBaseline();
})();
