/* Otvet web chat: the one script a site embeds.
   <script src="https://help.example/chat/embed.js" data-otvet-chat="KEY" async></script>
   It draws a launcher button (in a shadow root, so the site's CSS cannot touch it) and, on the first click, an
   iframe with our chat page: everything the visitor types stays inside our origin. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-otvet-chat]");
  if (!script || window.__otvetChat) return;
  window.__otvetChat = true;
  var key = script.getAttribute("data-otvet-chat");
  var origin = new URL(script.src, location.href).origin;
  var lang = (document.documentElement.lang || navigator.language || "ru").slice(0, 2).toLowerCase();
  var color = script.getAttribute("data-color") || "#0d6efd";
  var label = lang === "en" ? "Chat with us" : "Напишите нам";

  var host = document.createElement("div");
  host.id = "otvet-chat";
  host.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = document.createElement("style");
  style.textContent =
    "button{all:initial;cursor:pointer;font:600 15px system-ui,sans-serif;color:#fff;background:" + color + ";" +
    "padding:12px 18px;border-radius:24px;box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    "button:focus-visible{outline:3px solid #000;outline-offset:2px}" +
    "iframe{display:block;border:0;width:360px;height:520px;max-width:calc(100vw - 40px);" +
    "max-height:calc(100vh - 90px);border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff;margin-bottom:12px}";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-otvet-launcher", "");
  root.appendChild(style);
  root.appendChild(button);
  var frame = null;

  function toggle(show) {
    if (show && !frame) {
      frame = document.createElement("iframe");
      frame.title = label;
      frame.src = origin + "/chat/" + encodeURIComponent(key) + "/?lang=" + encodeURIComponent(lang);
      frame.setAttribute("allow", "clipboard-write");
      root.insertBefore(frame, button);
    }
    if (frame) frame.style.display = show ? "block" : "none";
    button.setAttribute("aria-expanded", show ? "true" : "false");
  }

  button.addEventListener("click", function () {
    toggle(!frame || frame.style.display === "none");
  });
  // The frame's own close button asks us to hide it (only our origin is listened to).
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.data && event.data.otvetChat === "close") toggle(false);
  });
  (document.body || document.documentElement).appendChild(host);
})();
