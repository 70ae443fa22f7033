/* The agent workspace's small enhancements on top of htmx: error responses that carry a form, dialogs that close
   after an action, clickable list rows, and Ctrl+Enter that respects the composer's mode. */
(function () {
  "use strict";

  // 409 (already claimed), 422 (invalid input) and 403 answers carry re-rendered panels with the message: show them.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 403) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A ticket action succeeded: close any open dialog (e.g. the transfer modal).
  document.body.addEventListener("ot-ticket-changed", () => {
    document.querySelectorAll(".modal.show").forEach((modal) => {
      const instance = window.bootstrap && window.bootstrap.Modal.getInstance(modal);
      if (instance) instance.hide();
    });
  });

  // Whole list rows are clickable; the subject link stays the keyboard target, other links keep their own job.
  document.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-href]");
    if (!row || event.target.closest("a, button, input, select, label")) return;
    if (event.ctrlKey || event.metaKey || event.button === 1) {
      window.open(row.dataset.href, "_blank", "noopener");
    } else {
      window.location.assign(row.dataset.href);
    }
  });

  // Ctrl/Cmd+Enter in the composer sends with the button of the chosen mode: a note never leaves as a reply.
  document.addEventListener("keydown", (event) => {
    if (!((event.ctrlKey || event.metaKey) && event.key === "Enter")) return;
    const form = event.target.closest && event.target.closest("form[data-ot-composer]");
    if (!form || event.target.tagName !== "TEXTAREA") return;
    event.preventDefault();
    event.stopPropagation();
    const mode = (form.querySelector("input[name=mode]:checked") || {}).value || "reply";
    // click(), not requestSubmit(button): htmx takes the button's formaction from the click it saw.
    const button = form.querySelector(`[data-ot-submit="${mode}"]`);
    if (button) button.click();
  }, true);
})();
