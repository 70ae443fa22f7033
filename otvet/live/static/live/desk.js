/* Live workspace (otvet/live, docs/live.md): queue counts and the first page of a list refresh when pushed, and an
   opt-in desktop notification announces a new ticket in the agent's lines. Polling every 20 s stays as fallback. */
(function () {
  "use strict";
  const root = document.getElementById("live-desk");
  if (!root) return;
  const STORE = "otvet.live.notify";
  const button = document.querySelector("[data-live-notify]");
  const supported = "Notification" in window;

  function enabled() {
    return supported && Notification.permission === "granted" && localStorage.getItem(STORE) === "on";
  }

  function showButton() {
    button.hidden = !supported || Notification.permission === "denied";
    button.querySelector("[data-live-notify-label]").textContent = enabled() ? button.dataset.labelOn : button.dataset.labelOff;
    button.setAttribute("aria-pressed", enabled() ? "true" : "false");
  }

  button.addEventListener("click", async () => {
    if (enabled()) {
      localStorage.setItem(STORE, "off");
    } else {
      const permission = await Notification.requestPermission();
      localStorage.setItem(STORE, permission === "granted" ? "on" : "off");
    }
    showButton();
  });
  showButton();

  if (!("WebSocket" in window)) return;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${root.dataset.liveSocket}`;
  let retry = 1000;
  let countsTimer = null;

  function connect() {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => { retry = 1000; });
    socket.addEventListener("message", (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      if (data.type === "counts") {
        clearTimeout(countsTimer);
        countsTimer = setTimeout(refreshCounts, 300);
      } else if (data.type === "new_ticket") {
        notify(data);
      }
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4403) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  async function refreshCounts() {
    if (window.htmx) window.htmx.ajax("GET", root.dataset.countsUrl, { source: root, swap: "none" });
    const rows = document.querySelector(".ot-ticket-table tbody");
    if (!rows || new URLSearchParams(location.search).has("cursor")) return;
    try {
      const response = await fetch(location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector(".ot-ticket-table tbody");
      if (!fresh || rows.contains(document.activeElement)) return;
      rows.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
    } catch (error) {
      /* the next push or the 20 s poll will do */
    }
  }

  function notify(ticket) {
    if (!enabled()) return;
    const href = root.dataset.ticketUrl.replace(/\/0\/$/, `/${ticket.number}/`);
    const note = new Notification(`${root.dataset.labelNew} #${ticket.number}`, { body: ticket.subject, tag: `otvet-ticket-${ticket.number}` });
    note.addEventListener("click", () => { window.focus(); location.assign(href); });
  }

  connect();
})();
