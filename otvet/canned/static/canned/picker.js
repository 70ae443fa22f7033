/* The composer's canned response picker (docs/canned.md): the «Canned response» button, Ctrl+Shift+K, or "/" typed
   into an empty reply open a search box; Enter or a click inserts the chosen response, filled for this ticket by the
   server, at the cursor. Listeners live on the document, so the composer can be re-rendered by htmx freely. */
(function () {
  "use strict";
  if (window.otCannedPicker) return;
  window.otCannedPicker = true;

  const picker = () => document.querySelector("[data-canned-picker]");
  const textarea = () => document.getElementById("composer-body");
  let caret = null; // where the text goes: the textarea's selection when the picker opened

  function open() {
    const box = picker();
    const area = textarea();
    if (!box || !area) return;
    caret = [area.selectionStart, area.selectionEnd];
    box.classList.remove("d-none");
    const query = box.querySelector("[data-canned-query]");
    query.value = "";
    query.focus();
    search(query);
  }

  let timer = null;
  let latest = 0; // answers may arrive out of order: only the newest one is shown
  async function search(query) {
    const seq = ++latest;
    const url = `${query.dataset.searchUrl}?q=${encodeURIComponent(query.value)}`;
    const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (seq !== latest || !response.ok) return;
    const results = picker().querySelector("[data-canned-results]");
    results.innerHTML = await response.text();
    move(0);
  }

  function close(refocus) {
    const box = picker();
    if (!box) return;
    box.classList.add("d-none");
    if (refocus && textarea()) textarea().focus();
  }

  function choices() {
    return Array.from(document.querySelectorAll("[data-canned-picker] [data-canned-choice]"));
  }

  function move(step) {
    const items = choices();
    if (!items.length) return;
    let index = Math.max(0, items.findIndex((item) => item.getAttribute("aria-selected") === "true"));
    index = Math.min(items.length - 1, index + step);
    items.forEach((item, i) => item.setAttribute("aria-selected", i === index ? "true" : "false"));
    items[index].classList.add("active");
    items.forEach((item, i) => { if (i !== index) item.classList.remove("active"); });
    items[index].scrollIntoView({ block: "nearest" });
  }

  async function choose(item) {
    const box = picker();
    const area = textarea();
    if (!box || !area || !item) return;
    const form = area.closest("form");
    const token = form ? form.querySelector("[name=csrfmiddlewaretoken]").value : "";
    const url = box.dataset.useUrl.replace("/0/use/", `/${item.dataset.cannedChoice}/use/`);
    const response = await fetch(url, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" });
    const data = await response.json().catch(() => ({}));
    if (!response.ok || typeof data.text !== "string") { window.alert(data.error || response.statusText); return; }
    const [start, end] = caret || [area.value.length, area.value.length];
    area.value = area.value.slice(0, start) + data.text + area.value.slice(end);
    close(false);
    area.focus();
    area.setSelectionRange(start + data.text.length, start + data.text.length);
    area.dispatchEvent(new Event("input", { bubbles: true })); // typing indicators and drafts see the change
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-canned-toggle]")) { event.preventDefault(); open(); return; }
    const item = event.target.closest("[data-canned-choice]");
    if (item) { event.preventDefault(); choose(item); return; }
    const box = picker();
    if (box && !box.classList.contains("d-none") && !box.contains(event.target)) close(false);
  });

  document.addEventListener("input", (event) => {
    if (!event.target.matches || !event.target.matches("[data-canned-query]")) return;
    clearTimeout(timer);
    timer = setTimeout(() => search(event.target), 200);
  });

  document.addEventListener("keydown", (event) => {
    const area = textarea();
    if (event.ctrlKey && event.shiftKey && (event.key === "K" || event.key === "k") && area && area.closest("form").contains(event.target)) {
      event.preventDefault(); open(); return;
    }
    if (event.target === area && event.key === "/" && area.value === "" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault(); open(); return;
    }
    if (!event.target.matches || !event.target.matches("[data-canned-query]")) return;
    if (event.key === "Escape") { event.preventDefault(); close(true); }
    else if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter") {
      event.preventDefault();
      const items = choices();
      choose(items.find((item) => item.getAttribute("aria-selected") === "true") || items[0]);
    }
  });
})();
