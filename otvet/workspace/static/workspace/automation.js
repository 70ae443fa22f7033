/* The rule editor's condition and action builder: rows of field / operator / value and of action / parameters,
   written into the form's JSON fields on every change (the JSON fields are what the server reads; without
   JavaScript they are shown and edited directly). Errors the server names (conditions.all.1.value) mark the row. */
(function () {
  "use strict";

  const form = document.querySelector("form[data-rule-form]");
  const configNode = document.getElementById("rule-builder");
  if (!form || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const errors = JSON.parse((document.getElementById("rule-errors") || {}).textContent || "{}");
  const fields = Object.fromEntries(config.fields.map((field) => [field.name, field]));
  const actions = Object.fromEntries(config.actions.map((action) => [action.type, action]));
  const condText = form.elements.conditions;
  const actText = form.elements.actions;
  const condBox = form.querySelector('[data-builder="conditions"]');
  const actBox = form.querySelector('[data-builder="actions"]');
  const jsonToggle = form.querySelector("#rule-json-mode");
  const notice = form.querySelector("[data-json-notice]");

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === "text") node.textContent = value;
      else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => node.appendChild(child));
    return node;
  }

  function select(options, value, attrs, multiple) {
    const chosen = new Set((Array.isArray(value) ? value : [value]).map(String));
    return el("select", { class: "form-select form-select-sm", multiple: multiple, ...attrs },
      options.map(([optionValue, label]) => el("option", { value: optionValue, selected: chosen.has(String(optionValue)), text: label })));
  }

  function removeButton() {
    const button = el("button", { type: "button", class: "btn btn-sm btn-link text-danger", "aria-label": form.dataset.removeLabel || "×" });
    button.innerHTML = '<i class="bi bi-x-lg" aria-hidden="true"></i>';
    button.addEventListener("click", () => { button.closest("[data-row]").remove(); sync(); });
    return button;
  }

  function numeric(type) { return config.numeric.includes(type); }

  // Conditions

  function valueWidget(field, op, value) {
    if (config.unary.includes(op)) return el("span");
    const listed = config.listOps.includes(op);
    if (field.options) return select(field.options, value === undefined ? [] : value, { "data-value": "", "aria-label": field.label }, listed);
    const shown = Array.isArray(value) ? value.join(", ") : value === undefined || value === null ? "" : String(value);
    return el("input", { class: "form-control form-control-sm", "data-value": "", value: shown, "aria-label": field.label,
      type: numeric(field.type) && !listed ? "number" : "text", placeholder: listed ? "a, b, c" : "" });
  }

  function conditionRow(leaf) {
    const field = fields[leaf.field] || config.fields[0];
    const ops = config.operators[field.type];
    const op = ops.some(([name]) => name === leaf.op) ? leaf.op : ops[0][0];
    const fieldSelect = select(config.fields.map((f) => [f.name, f.label]), field.name, { "data-field": "", "aria-label": "field" });
    const opSelect = select(ops, op, { "data-op": "", "aria-label": "operator" });
    const valueCell = el("div", { class: "col" }, [valueWidget(field, op, leaf.value)]);
    const row = el("div", { class: "row g-1 mb-1 align-items-start", "data-row": "" }, [
      el("div", { class: "col-sm-3" }, [fieldSelect]), el("div", { class: "col-sm-3" }, [opSelect]), valueCell,
      el("div", { class: "col-auto" }, [removeButton()]),
      el("div", { class: "col-12 text-danger small d-none", "data-error": "" }),
    ]);
    fieldSelect.addEventListener("change", () => { row.replaceWith(conditionRow({ field: fieldSelect.value })); sync(); });
    opSelect.addEventListener("change", () => {
      const old = readCondition(row);
      row.replaceWith(conditionRow({ field: field.name, op: opSelect.value, value: old.value })); sync();
    });
    return row;
  }

  function readCondition(row) {
    const field = fields[row.querySelector("[data-field]").value];
    const op = row.querySelector("[data-op]").value;
    const leaf = { field: field.name, op: op };
    if (config.unary.includes(op)) return leaf;
    const input = row.querySelector("[data-value]");
    let values = input.tagName === "SELECT" ? Array.from(input.selectedOptions).map((o) => o.value)
      : input.value.split(config.listOps.includes(op) ? "," : /$^/).map((v) => v.trim()).filter((v) => v !== "");
    if (numeric(field.type)) values = values.map((v) => (/^-?\d+$/.test(v) ? Number(v) : v));
    leaf.value = config.listOps.includes(op) ? values : values[0];
    return leaf;
  }

  // Actions

  function paramWidget(name, value) {
    const spec = config.params[name];
    const id = `p-${Math.random().toString(36).slice(2)}`;
    let input;
    if (spec.kind === "checkbox") {
      const checked = value === undefined ? spec.default === true : value !== false;
      input = el("input", { type: "checkbox", class: "form-check-input", id: id, "data-param": name, checked: checked });
      return el("div", { class: "form-check col-auto", "data-param-box": name }, [input, el("label", { class: "form-check-label", for: id, text: spec.label })]);
    }
    if (spec.kind === "select") input = select([["", "—"], ...spec.options], value === undefined ? "" : value, { id: id, "data-param": name });
    else if (spec.kind === "textarea") { input = el("textarea", { class: "form-control form-control-sm", rows: 2, id: id, "data-param": name }); input.value = value || ""; }
    else input = el("input", { class: "form-control form-control-sm", id: id, "data-param": name, value: value || "" });
    return el("div", { class: spec.kind === "textarea" ? "col-12" : "col-sm", "data-param-box": name }, [
      el("label", { class: "form-label small mb-0", for: id, text: spec.label }), input]);
  }

  function actionRow(action) {
    const kind = actions[action.type] ? action.type : config.actions[0].type;
    const typeSelect = select(config.actions.map((a) => [a.type, a.label]), kind, { "data-type": "", "aria-label": "action" });
    const params = actions[kind].params.filter((name) => !(name === "agent" && kind === "notify" && action.audience !== "agent"));
    const row = el("div", { class: "row g-1 mb-2 pb-2 border-bottom align-items-end", "data-row": "" }, [
      el("div", { class: "col-sm-4" }, [typeSelect]),
      ...params.map((name) => paramWidget(name, action[name])),
      el("div", { class: "col-auto" }, [removeButton()]),
      el("div", { class: "col-12 text-danger small d-none", "data-error": "" }),
    ]);
    typeSelect.addEventListener("change", () => { row.replaceWith(actionRow({ type: typeSelect.value })); sync(); });
    const audience = row.querySelector('[data-param="audience"]');
    if (audience) audience.addEventListener("change", () => { row.replaceWith(actionRow(readAction(row))); sync(); });
    return row;
  }

  function readAction(row) {
    const action = { type: row.querySelector("[data-type]").value };
    row.querySelectorAll("[data-param]").forEach((input) => {
      const spec = config.params[input.dataset.param];
      let value = input.type === "checkbox" ? input.checked : input.value;
      if (spec.number && /^\d+$/.test(value)) value = Number(value);
      action[input.dataset.param] = value;
    });
    return action;
  }

  // Rows <-> JSON

  function flat(conditions) {
    if (!conditions || Object.keys(conditions).length === 0) return { join: "all", leaves: [] };
    const join = "all" in conditions ? "all" : "any" in conditions ? "any" : null;
    if (!join || !Array.isArray(conditions[join])) return null;
    if (conditions[join].some((item) => !item || "all" in item || "any" in item || !fields[item.field])) return null;
    return { join: join, leaves: conditions[join] };
  }

  function build() {
    let conditions, list;
    try {
      conditions = flat(JSON.parse(condText.value.trim() || "{}"));
      list = JSON.parse(actText.value.trim() || "[]");
    } catch (error) { return false; }
    if (!conditions || !Array.isArray(list)) return false;
    condBox.querySelector("[data-join]").value = conditions.join;
    condBox.querySelector("[data-rows]").replaceChildren(...conditions.leaves.map((leaf) => conditionRow(leaf)));
    actBox.querySelector("[data-rows]").replaceChildren(...list.map((action) => actionRow(action || {})));
    return true;
  }

  function sync() {
    if (jsonToggle.checked) return;
    const leaves = Array.from(condBox.querySelectorAll("[data-row]")).map(readCondition);
    const join = condBox.querySelector("[data-join]").value;
    condText.value = JSON.stringify(leaves.length ? { [join]: leaves } : {}, null, 2);
    actText.value = JSON.stringify(Array.from(actBox.querySelectorAll("[data-row]")).map(readAction), null, 2);
  }

  function showErrors() {
    Object.entries(errors).forEach(([key, message]) => {
      const cond = key.match(/^conditions\.(?:all|any)\.(\d+)(?:\.(\w+))?$/);
      const act = key.match(/^actions\.(\d+)(?:\.(\w+))?$/);
      const box = cond ? condBox : act ? actBox : null;
      if (!box) return;
      const row = box.querySelectorAll("[data-row]")[Number((cond || act)[1])];
      if (!row) return;
      const name = (cond || act)[2];
      const target = name && row.querySelector(name === "value" ? "[data-value]" : name === "field" ? "[data-field]" : name === "op" ? "[data-op]" : name === "type" ? "[data-type]" : `[data-param="${name}"]`);
      if (target) target.classList.add("is-invalid");
      const line = row.querySelector("[data-error]");
      line.textContent = message;
      line.classList.remove("d-none");
    });
  }

  function setMode(json, message) {
    jsonToggle.checked = json;
    form.querySelectorAll("[data-json-field]").forEach((node) => node.classList.toggle("d-none", !json));
    [condBox, actBox].forEach((node) => node.classList.toggle("d-none", json));
    notice.textContent = message || "";
    notice.classList.toggle("d-none", !message);
  }

  function showKind() {
    const kind = (form.querySelector("[data-rule-kind]:checked") || {}).value;
    form.querySelectorAll("[data-kind-part]").forEach((node) => node.classList.toggle("d-none", !!kind && node.dataset.kindPart !== kind));
  }

  form.querySelector("[data-json-toggle]").classList.remove("d-none");
  const tooComplex = form.dataset.complexText || "These conditions are nested or not valid JSON: edit them as JSON.";
  const built = build();
  setMode(!built, built ? "" : tooComplex);
  showErrors();
  showKind();
  form.querySelectorAll("[data-rule-kind]").forEach((radio) => radio.addEventListener("change", showKind));
  condBox.addEventListener("input", sync);
  condBox.addEventListener("change", sync);
  actBox.addEventListener("input", sync);
  actBox.addEventListener("change", sync);
  condBox.querySelector("[data-add]").addEventListener("click", () => {
    condBox.querySelector("[data-rows]").appendChild(conditionRow({ field: config.fields[0].name })); sync();
  });
  actBox.querySelector("[data-add]").addEventListener("click", () => {
    actBox.querySelector("[data-rows]").appendChild(actionRow({ type: config.actions[0].type })); sync();
  });
  jsonToggle.addEventListener("change", () => {
    if (jsonToggle.checked) { sync(); setMode(true); return; }
    if (build()) setMode(false); else setMode(true, tooComplex);
  });
  // Before saving, testing or a dry run: the JSON fields hold the rows as they are now.
  form.addEventListener("submit", sync);
  document.body.addEventListener("htmx:confirm", sync);
})();
