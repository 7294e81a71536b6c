// 记录走访: notes, duties served, photos, position, and changes noticed in
// the household, which go to the server as a change request carrying the
// state of the card the worker looked at (so a change made by someone else
// meanwhile is flagged for review, not overwritten). Saved to the outbox
// first; sent when there is a signal.
(function () {
  "use strict";
  const {el} = Field;
  const number = Field.param("h");
  const status = document.getElementById("status");
  const form = document.getElementById("visit-form");
  const error = document.getElementById("form-error");
  let card = null;
  let meta = null;
  const entries = []; // changes noticed: {field, person?, value, label}
  let saved = []; // ids of the records saved, to follow them out of the outbox

  // --- changes noticed ----------------------------------------------------------------

  const fieldSelect = document.getElementById("ch-field");
  const personSelect = document.getElementById("ch-person");
  const valueBox = document.getElementById("ch-value-box");

  function fieldOf(name) { return meta.change_fields.find((f) => f.field === name); }
  function memberOf(id) { return card.members.find((m) => String(m.id) === String(id)); }

  // The value input suits the field: a list where the server has one.
  function valueInput() {
    const f = fieldSelect.value;
    const m = memberOf(personSelect.value);
    personSelect.hidden = fieldOf(f).of !== "person";
    const options = (pairs) => el("select", {id: "ch-value", "aria-label": "新的情况"},
      pairs.map(([v, t]) => el("option", {value: v}, t)));
    let input;
    if (f === "is_away") input = options([["true", "是,外出务工"], ["false", "否,在家"]]);
    else if (f === "education") input = options(meta.education.map((e) => [e, e]));
    else if (f === "tag_add") input = options(meta.tags.map((t) => [t.code, t.name]));
    else if (f === "tag_remove") {
      const have = m ? m.tag_codes : [];
      input = options(meta.tags.filter((t) => have.includes(t.code)).map((t) => [t.code, t.name]));
    } else if (f === "position") {
      input = el("p", {class: "muted", id: "ch-value"}, "用上方“使用我当前的位置”定位的结果");
    } else {
      input = el("input", {type: f === "phone" ? "tel" : "text", id: "ch-value", "aria-label": "新的情况",
        placeholder: {phone: "新的手机号", address: "新的详细地址", occupation: "现在的职业", health_note: "现在的健康状况"}[f] || ""});
    }
    valueBox.replaceChildren(input);
  }

  function addEntry() {
    const f = fieldSelect.value;
    const info = fieldOf(f);
    const input = document.getElementById("ch-value");
    const entry = {field: f};
    let shown;
    if (info.of === "person") entry.person = Number(personSelect.value);
    if (f === "position") {
      const lon = document.getElementById("lon").value;
      const lat = document.getElementById("lat").value;
      if (!lon) { error.textContent = "请先点“使用我当前的位置”定位"; return; }
      entry.value = [Number(lon), Number(lat)];
      shown = `${lon}, ${lat}`;
    } else if (f === "is_away") {
      entry.value = input.value === "true";
      shown = entry.value ? "是" : "否";
    } else {
      entry.value = input.value.trim();
      shown = input.tagName === "SELECT" ? input.selectedOptions[0]?.textContent : entry.value;
      if (!entry.value && f !== "occupation" && f !== "health_note") { error.textContent = "请填写新的情况"; return; }
    }
    error.textContent = "";
    const who = info.of === "person" ? `${memberOf(personSelect.value).name}的` : "";
    entries.push({...entry, label: `${who}${info.name}:${shown || "(空)"}`});
    listEntries();
    if (input.tagName === "INPUT") input.value = "";
  }

  function listEntries() {
    Field.fill(document.getElementById("ch-list"), entries.map((e, i) => el("li", {},
      e.label, " ", el("button", {type: "button", class: "small", onclick: () => { entries.splice(i, 1); listEntries(); }}, "删除"))));
  }

  function setUpChanges() {
    if (!card) {
      document.getElementById("changes-off").hidden = false;
      document.getElementById("change-editor").hidden = true;
      return;
    }
    const personal = meta.change_fields.filter((f) => f.of === "person");
    const usable = card.members.length ? meta.change_fields : meta.change_fields.filter((f) => !personal.includes(f));
    Field.fill(fieldSelect, usable.map((f) => el("option", {value: f.field}, f.name)));
    Field.fill(personSelect, card.members.map((m) => el("option", {value: m.id}, `${m.name}(${m.relation})`)));
    fieldSelect.addEventListener("change", valueInput);
    personSelect.addEventListener("change", valueInput);
    document.getElementById("ch-add").addEventListener("click", addEntry);
    valueInput();
  }

  // --- the visit ----------------------------------------------------------------------

  function show() {
    const head = card && card.members.find((m) => m.relation === "户主");
    const address = card ? `${head ? head.name + "家 · " : ""}${Field.shortAddress(card.address)}` : `户号 ${number}`;
    document.getElementById("address").textContent = address;
    const colour = document.getElementById("colour");
    if (card) { colour.className = `colour colour-${card.colour}`; colour.textContent = card.colour_label; }
    const duties = document.getElementById("duties");
    duties.replaceChildren(el("legend", {}, "履行的职责"), ...meta.duties.map((d) => el("label", {class: "check", title: d.description},
      el("input", {type: "checkbox", name: "duty", value: d.code}), ` ${d.name}`)));
    setUpChanges();
    form.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const notes = document.getElementById("notes").value.trim();
    if (!notes) { error.textContent = "请写走访情况"; return; }
    const lon = document.getElementById("lon").value;
    const lat = document.getElementById("lat").value;
    const at = new Date().toISOString();
    const visit = {id: Field.uuid(), op: "visit", household: number, at, notes,
      duties: [...form.querySelectorAll("input[name=duty]:checked")].map((x) => x.value)};
    if (lon && lat) { visit.lon = Number(lon); visit.lat = Number(lat); }
    const address = document.getElementById("address").textContent;
    const records = [{op: visit, summary: address, photos: [...document.getElementById("photos").files]}];
    if (entries.length) {
      records.push({op: {id: Field.uuid(), op: "household_change", household: number, visit: visit.id, at,
        seen_state: card.state, note: document.getElementById("ch-note").value.trim(),
        changes: entries.map(({label, ...e}) => e)}, summary: `${address}:${entries.map((e) => e.label).join(";")}`});
    }
    document.getElementById("save").disabled = true;
    try {
      await Field.queue(...records);
    } catch (e) {
      document.getElementById("save").disabled = false;
      error.textContent = "手机存储失败,未保存,请重试";
      return;
    }
    form.hidden = true;
    saved = records.map((r) => r.op.id);
    document.getElementById("saved-how").textContent = navigator.onLine ? "正在发送" : "现在没有网络,有网后自动发送";
    document.getElementById("back-card").href = `/field/household/?h=${encodeURIComponent(number)}`;
    document.getElementById("saved").hidden = false;
  });

  // Once saved, say when it has left the phone.
  Field.onOutbox = (rows) => {
    if (!saved.length) return;
    const left = rows.filter((r) => saved.includes(r.op.id));
    const how = document.getElementById("saved-how");
    if (!left.length) how.textContent = "已发送到服务器";
    else if (left.some((r) => r.state === "error")) how.textContent = "发送失败,见上方“待发送”";
  };

  if (!number) { Field.problem(status, {message: "没有指明哪一户"}); return; }
  Field.meta().then(async (m) => {
    meta = m;
    try {
      const answer = await Field.getJSON(`households/${encodeURIComponent(number)}/`);
      card = answer.data;
      Field.status(status, answer);
    } catch (e) {
      // Without the card the visit can still be recorded; changes cannot.
      status.textContent = e.message;
      status.className = "warn";
    }
    show();
  }, (e) => Field.problem(status, e));
})();
