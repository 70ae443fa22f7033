/* Live collaboration on the ticket page (otvet/live, docs/live.md): who else has the ticket open and who is typing,
   panels that refresh when the ticket changes, and a warning in the composer when a reply would collide.
   Without a socket (or with it closed) the page works as before: the collision check on send still holds. */
(function () {
  "use strict";
  const bar = document.getElementById("live-presence");
  if (!bar || !("WebSocket" in window)) return;

  const REGIONS = ["ticket-header", "ticket-conversation", "ticket-properties", "ticket-sla", "ticket-customer", "ticket-timeline"];
  const TYPING_IDLE_MS = 5000;
  const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${bar.dataset.liveSocket}`;
  let socket = null;
  let sid = null;
  let me = null;
  let heartbeat = null;
  let retry = 1000;
  let typing = false;
  let typingTimer = null;
  let refreshTimer = null;
  let pendingSince = null;

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", () => { retry = 1000; });
    socket.addEventListener("message", (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      handle(data);
    });
    socket.addEventListener("close", (event) => {
      clearInterval(heartbeat);
      render([]);
      if (event.code === 4403) return; // refused: not an agent, or not this ticket's
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function handle(data) {
    if (data.type === "hello") {
      sid = data.sid;
      me = data.user;
      clearInterval(heartbeat);
      heartbeat = setInterval(() => send({ type: "ping" }), data.heartbeat * 1000);
      if (typing) send({ type: "typing", typing: true });
    } else if (data.type === "presence") {
      render(data.viewers);
    } else if (data.type === "changed") {
      changed(data);
    } else if (data.type === "gone") {
      location.reload();
    }
  }

  // One chip per other agent (several tabs of one agent count once; replying wins over viewing).
  function render(viewers) {
    const agents = new Map();
    viewers.filter((viewer) => viewer.sid !== sid).forEach((viewer) => {
      const known = agents.get(viewer.agent_id);
      if (!known || viewer.state === "replying") agents.set(viewer.agent_id, viewer);
    });
    const list = bar.querySelector("[data-live-viewers]");
    list.replaceChildren(...[...agents.values()].map((viewer) => {
      const chip = document.createElement("span");
      const replying = viewer.state === "replying";
      chip.className = `badge rounded-pill ${replying ? "text-bg-warning" : "text-bg-light border"}`;
      chip.dataset.liveAgent = viewer.agent_id;
      chip.dataset.state = viewer.state;
      chip.textContent = `${viewer.name} · ${replying ? bar.dataset.labelReplying : bar.dataset.labelViewing}`;
      return chip;
    }));
    // Bootstrap's d-flex beats the hidden attribute: toggle the display classes instead.
    bar.classList.toggle("d-none", agents.size === 0);
    bar.classList.toggle("d-flex", agents.size > 0);
  }

  function composerBody() {
    return document.getElementById("composer-body");
  }

  function setTyping(value) {
    if (value === typing) return;
    typing = value;
    send({ type: "typing", typing: value });
  }

  document.addEventListener("input", (event) => {
    if (event.target.id !== "composer-body") return;
    clearTimeout(typingTimer);
    const writing = event.target.value.trim() !== "";
    setTyping(writing);
    if (writing) typingTimer = setTimeout(() => setTyping(false), TYPING_IDLE_MS);
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.target.closest && event.target.closest("form[data-ot-composer]")) setTyping(false);
  });

  // Someone else changed the ticket: refresh the panels, and warn an agent who is writing.
  function changed(data) {
    const others = (data.changes || []).filter((change) => !(change.actor_kind === "agent" && change.actor === me));
    if (others.length) warn(others, data.at);
    const mineOnly = data.actors.length > 0 && data.actors.every((actor) => actor === me);
    if (!mineOnly) {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, 250);
    }
  }

  function warn(changes, at) {
    const since = document.querySelector("[data-live-since]");
    const body = composerBody();
    if (!since) return;
    if (!body || body.value.trim() === "") { // nothing written yet: the refreshed page is what they will answer
      since.value = at;
      return;
    }
    const box = document.querySelector("[data-live-warning]");
    const kinds = [...new Set(changes.map((change) => change.kind))];
    box.querySelector("[data-live-warning-text]").textContent = kinds.map((kind) => box.dataset[`label${camel(kind)}`] || kind).join(" ");
    box.classList.replace("d-none", "d-flex");
    pendingSince = at;
  }

  function camel(kind) {
    // data-label-customer_wrote is dataset["label-customer_wrote" -> "labelCustomer_wrote"]
    return kind.charAt(0).toUpperCase() + kind.slice(1);
  }

  document.addEventListener("click", (event) => {
    const ack = event.target.closest("[data-live-ack]");
    if (ack) {
      const since = document.querySelector("[data-live-since]");
      if (since && pendingSince) since.value = pendingSince;
      ack.closest("[data-live-warning]").classList.replace("d-flex", "d-none");
      return;
    }
    const dismiss = event.target.closest("[data-live-dismiss]");
    if (dismiss) {
      event.preventDefault();
      dismiss.closest("[data-live-collision]").remove();
      const body = composerBody();
      if (body) body.focus();
    }
  });

  async function refresh() {
    let html;
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      html = await response.text();
    } catch (error) {
      return;
    }
    const fresh = new DOMParser().parseFromString(html, "text/html");
    REGIONS.forEach((id) => {
      const current = document.getElementById(id);
      const next = fresh.getElementById(id);
      // Never pull a panel from under the agent's cursor (an open select, a field being edited).
      if (!current || !next || current.contains(document.activeElement)) return;
      current.replaceWith(next);
      if (window.htmx) window.htmx.process(next);
    });
  }

  connect();
})();
