/* Otvet's small progressive enhancements: attachment drop zones with previews, toasts, keyboard shortcuts. */
(function () {
  "use strict";

  function fileList(files) {
    const transfer = new DataTransfer();
    files.forEach((file) => transfer.items.add(file));
    return transfer.files;
  }

  function renderPreviews(input, box) {
    box.replaceChildren();
    Array.from(input.files).forEach((file, index) => {
      const item = document.createElement("span");
      item.className = "ot-preview";
      if (file.type.startsWith("image/")) {
        const img = document.createElement("img");
        img.alt = "";
        img.src = URL.createObjectURL(file);
        item.appendChild(img);
      } else {
        const icon = document.createElement("i");
        icon.className = "bi bi-paperclip";
        item.appendChild(icon);
      }
      const name = document.createElement("span");
      name.textContent = file.name;
      item.appendChild(name);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close btn-sm";
      remove.setAttribute("aria-label", box.dataset.removeLabel || "Remove");
      remove.addEventListener("click", () => {
        input.files = fileList(Array.from(input.files).filter((_, i) => i !== index));
        renderPreviews(input, box);
      });
      item.appendChild(remove);
      box.appendChild(item);
    });
  }

  function initDropZones(root) {
    root.querySelectorAll("[data-ot-drop]:not([data-ot-ready])").forEach((zone) => {
      // The zone is the <label> of a visually hidden file input: a click opens the picker natively and the input
      // itself stays the one focusable control (keyboard users press Space or Enter on it).
      zone.dataset.otReady = "1";
      const input = document.getElementById(zone.htmlFor);
      const box = zone.parentElement.querySelector(".ot-previews");
      if (!input || !box) return;
      ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
        event.preventDefault(); zone.classList.add("ot-dragover");
      }));
      ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("ot-dragover")));
      zone.addEventListener("drop", (event) => {
        event.preventDefault();
        input.files = fileList(Array.from(input.files).concat(Array.from(event.dataTransfer.files)));
        renderPreviews(input, box);
      });
      input.addEventListener("change", () => renderPreviews(input, box));
    });
  }

  function initToasts(root) {
    root.querySelectorAll(".toast.show:not([data-ot-ready])").forEach((toast) => {
      toast.dataset.otReady = "1";
      setTimeout(() => toast.classList.remove("show"), 6000);
    });
  }

  function init(root) { initDropZones(root); initToasts(root); }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => init(event.target));

  // Ctrl/Cmd+Enter submits the form of the focused textarea.
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.tagName === "TEXTAREA") {
      const form = event.target.form;
      if (form) { event.preventDefault(); form.requestSubmit(); }
    }
  });
})();
