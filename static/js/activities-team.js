/* The supervisor's morning review: record the 111 duties through POST /api/v1/activities/duties/.
 *
 * Each write posts one duty and reloads the page on success, so what the page
 * shows is always what the server holds. A 400 is shown next to its fields.
 */
(function () {
  "use strict";

  const configElement = document.getElementById("team-config");
  if (!configElement) return;
  const config = JSON.parse(configElement.textContent);
  const labels = config.labels;
  const statusElement = document.querySelector('[data-field="status"]');
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const csrfToken = csrfInput ? csrfInput.value : "";

  function showStatus(text) {
    statusElement.textContent = text;
    statusElement.hidden = !text;
  }

  function clearErrors(scope) {
    scope.querySelectorAll("[data-error-for]").forEach((element) => {
      element.textContent = "";
      element.hidden = true;
    });
  }

  /* Show each field's messages in the scope's [data-error-for=field] (or under fallbackField). */
  function showErrors(scope, errors, fallbackField) {
    Object.entries(errors).forEach(([field, messages]) => {
      const text = Array.isArray(messages) ? messages.join(" ") : String(messages);
      const target =
        scope.querySelector(`[data-error-for="${field}"]`) || scope.querySelector(`[data-error-for="${fallbackField}"]`);
      if (target) {
        target.textContent = target.textContent ? `${target.textContent} ${text}` : text;
        target.hidden = false;
      } else {
        showStatus(text);
      }
    });
  }

  async function record(duty, scope, fallbackField) {
    clearErrors(scope);
    showStatus(labels.saving);
    let response;
    try {
      response = await fetch(config.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ date: config.date, ...duty }),
      });
    } catch (error) {
      showStatus(labels.failed.replace("%(status)s", error.message));
      return false;
    }
    if (response.ok) {
      window.location.reload();
      return true;
    }
    if (response.status === 400) {
      showStatus(labels.invalid);
      showErrors(scope, await response.json(), fallbackField);
    } else if (response.status === 401 || response.status === 403) {
      showStatus(labels.denied);
    } else {
      let detail = String(response.status);
      try {
        const body = await response.json();
        if (body.detail) detail = body.detail;
      } catch (error) {
        // Not JSON: the status says enough.
      }
      showStatus(labels.failed.replace("%(status)s", detail));
    }
    return false;
  }

  document.querySelectorAll('[data-action="tracking-call"]').forEach((checkbox) => {
    checkbox.addEventListener("change", async () => {
      if (!checkbox.checked) return;
      const row = checkbox.closest("[data-member]");
      checkbox.disabled = true;
      const member = Number(checkbox.dataset.member);
      const saved = await record({ kind: "tracking_call", member }, row, `tracking-${member}`);
      if (!saved) {
        checkbox.checked = false;
        checkbox.disabled = false;
      }
    });
  });

  const coachingForm = document.querySelector('[data-form="coaching"]');
  if (coachingForm) {
    coachingForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = coachingForm.querySelector("button[type=submit]");
      button.disabled = true;
      const duty = {
        kind: "coaching",
        member: Number(coachingForm.elements.member.value),
        notes: coachingForm.elements.notes.value,
      };
      if (!(await record(duty, coachingForm, "non_field_errors"))) button.disabled = false;
    });
  }

  const spotCheckForm = document.querySelector('[data-form="spot-check"]');
  if (spotCheckForm) {
    spotCheckForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = event.submitter;
      const buttons = spotCheckForm.querySelectorAll("button");
      buttons.forEach((element) => (element.disabled = true));
      const duty = {
        kind: "spot_check",
        member: Number(spotCheckForm.elements.member.value),
        visit: Number(spotCheckForm.elements.visit.value),
        outcome: button ? button.value : "",
      };
      if (!(await record(duty, spotCheckForm, "non_field_errors"))) buttons.forEach((element) => (element.disabled = false));
    });
  }
})();
