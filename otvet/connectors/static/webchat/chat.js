/* Otvet web chat, inside the frame (templates/webchat/frame.html). Vanilla JS, no build step.
   The visitor's token lives in this origin's localStorage; the socket is /ws/chat/<key>/. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("wc-config").textContent);
  var t = config.strings;
  var base = "/chat/" + encodeURIComponent(config.key) + "/";
  var storeKey = "otvet-chat:" + config.key;
  var $ = function (id) { return document.getElementById(id); };
  var log = $("wc-log"), compose = $("wc-compose"), text = $("wc-text"), status = $("wc-status");
  var socket = null, ready = false, pending = {}, shown = {}, files = [], typingTimer = null, typing = false;
  var heartbeat = null, retry = 1000;

  function token() { try { return localStorage.getItem(storeKey) || ""; } catch (e) { return ""; } }
  function keep(value) { try { value ? localStorage.setItem(storeKey, value) : localStorage.removeItem(storeKey); } catch (e) {} }
  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function post(path, body, isForm) {
    var headers = { "X-Otvet-Visitor": token() };
    if (!isForm) headers["Content-Type"] = "application/json";
    return fetch(base + path, { method: "POST", headers: headers, body: isForm ? body : JSON.stringify(body) })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || t.failed);
          return data;
        });
      });
  }

  function bubble(message) {
    var key = message.id ? "m" + message.id : "c" + message.client_id;
    if (message.client_id && pending[message.client_id]) {  // our own message, now stored: replace the draft
      pending[message.client_id].remove();
      delete pending[message.client_id];
    }
    if (shown[key]) return;
    var item = document.createElement("div");
    item.className = "wc-msg " + (message.from === "visitor" ? "wc-mine" : "wc-agent");
    item.dataset.from = message.from;
    if (message.from !== "visitor") {
      var who = document.createElement("span");
      who.className = "wc-who";
      who.textContent = message.name || t.agent;
      item.appendChild(who);
    }
    var body = document.createElement("p");
    body.textContent = message.text || "";
    item.appendChild(body);
    (message.files || []).forEach(function (file) {
      var link = document.createElement("a");
      link.href = file.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "📎 " + file.name;
      item.appendChild(link);
    });
    shown[key] = item;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/chat/" + encodeURIComponent(config.key) + "/");
    socket.onopen = function () { socket.send(JSON.stringify({ type: "auth", token: token() })); };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "ready") {
        ready = true;
        retry = 1000;
        status.textContent = "";
        data.history.forEach(bubble);
        compose.hidden = false;
        Object.keys(pending).forEach(function (id) { send(pending[id].payload); });  // dedupe makes this safe
        clearInterval(heartbeat);
        heartbeat = setInterval(function () { emit({ type: "ping" }); }, data.heartbeat * 1000);
      } else if (data.type === "message") {
        bubble(data.message);
      } else if (data.type === "typing") {
        $("wc-typing").hidden = !data.typing;
      } else if (data.type === "ack" && pending[data.id]) {
        pending[data.id].classList.remove("wc-pending");
      } else if (data.type === "error" && data.code === "token") {
        keep("");
        status.textContent = t.forgotten;
      } else if (data.type === "error") {
        status.textContent = data.message || t.failed;
        if (pending[data.id]) pending[data.id].classList.add("wc-failed");
      }
    };
    socket.onclose = function (event) {
      ready = false;
      clearInterval(heartbeat);
      if (event.code === 4403) { compose.hidden = true; start(); return; }
      status.textContent = t.offline;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  function emit(data) { if (socket && ready) socket.send(JSON.stringify(data)); }
  function send(payload) { emit(payload); }

  compose.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = text.value.trim();
    if (!value && !files.length) return;
    var payload = { type: "message", id: newId(), text: value, files: files.map(function (f) { return f.ref; }) };
    var draft = bubble({ client_id: payload.id, from: "visitor", text: value, files: files.map(function (f) { return { name: f.name, url: "#" }; }) });
    draft.classList.add("wc-pending");
    draft.payload = payload;
    pending[payload.id] = draft;
    delete shown["c" + payload.id];
    text.value = "";
    files = [];
    $("wc-files").textContent = "";
    stopTyping();
    send(payload);
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); compose.requestSubmit(); }
  });
  text.addEventListener("input", function () {
    if (!typing) { typing = true; emit({ type: "typing", typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 3000);
  });
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typing) { typing = false; emit({ type: "typing", typing: false }); }
  }

  $("wc-file").addEventListener("change", function (event) {
    var file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > config.maxBytes) { status.textContent = t.tooLarge; return; }
    var form = new FormData();
    form.append("file", file);
    post("upload/", form, true).then(function (data) {
      files.push(data);
      $("wc-files").textContent = files.map(function (f) { return "📎 " + f.name; }).join(", ");
      status.textContent = "";
    }).catch(function (error) { status.textContent = error.message; });
  });

  $("wc-close").addEventListener("click", function () { parent.postMessage({ otvetChat: "close" }, "*"); });

  function formData(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) { data[name] = value; });
    return data;
  }

  function start() {
    if (!config.open) {
      var leave = $("wc-leave");
      leave.hidden = false;
      leave.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = formData(leave);
        data.id = newId();
        post("leave/", data).then(function (result) {
          if (result.token) keep(result.token);
          leave.hidden = true;
          $("wc-left").hidden = false;
        }).catch(function (error) { status.textContent = error.message; });
      });
      return;
    }
    if (token()) { connect(); return; }
    var begin = function (data) {
      return post("visitor/", data || {}).then(function (result) { keep(result.token); connect(); });
    };
    if (!config.prechat) { begin().catch(function (error) { status.textContent = error.message; }); return; }
    var prechat = $("wc-prechat");
    prechat.hidden = false;
    prechat.addEventListener("submit", function (event) {
      event.preventDefault();
      begin(formData(prechat)).then(function () { prechat.hidden = true; })
        .catch(function (error) { status.textContent = error.message; });
    }, { once: false });
  }

  start();
})();
