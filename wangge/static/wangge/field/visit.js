// 记录走访: notes, duties served, photos, position, and changes noticed in
// the household — fields, and members joining (a birth, a marriage, a
// move) or leaving (a death, a move) — which go to the server as a change
// request carrying the state of the card the worker looked at (so a change
// made by someone else
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
    if (card) listMembers(); // a member listed as leaving, or not any more
  }

  // --- members joining and leaving -------------------------------------------------------

  const GENDER = {M: "男", F: "女"};
  const $ = (id) => document.getElementById(id);
  let leaving = null; // the member whose leave form is open

  // Today in the phone's calendar (the worker's day, not UTC's).
  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }
  // A message under the form, scrolled to: the small forms are long on a phone.
  function say(message) {
    error.textContent = message;
    error.scrollIntoView({block: "nearest"});
  }
  // The outbox list shows what waits on every page: never a full ID number.
  const maskId = (n) => `${n.slice(0, 4)}**********${n.slice(-4)}`;

  function listMembers() {
    const gone = entries.filter((e) => e.field === "member_leave").map((e) => e.person);
    Field.fill($("leave-list"), card.members.map((m) => el("li", {class: gone.includes(m.id) ? "row leaving" : "row"},
      el("span", {}, `${m.name}(${m.relation}${m.age !== null ? `,${m.age} 岁` : ""})`),
      gone.includes(m.id) ? el("small", {class: "muted"}, "已申请离开")
        : el("button", {type: "button", class: "small", "data-person": m.id, onclick: () => openLeave(m)}, "离开"))),
    "户卡上没有成员");
  }

  // The head leaving while others stay names the new head (the server
  // refuses it otherwise); the others' relations are the reviewer's to check.
  function openLeave(m) {
    leaving = m;
    const heads = entries.filter((e) => e.new_head).map((e) => e.new_head);
    if (heads.includes(m.id)) { say(`${m.name}已被指定为新户主,不能同时申请离开`); return; }
    const gone = entries.filter((e) => e.field === "member_leave").map((e) => e.person);
    const staying = m.relation === "户主" ? card.members.filter((o) => o.id !== m.id && !gone.includes(o.id)) : [];
    Field.fill($("leave-head"), [el("option", {value: ""}, "请选择"),
      ...staying.map((o) => el("option", {value: o.id}, `${o.name}(现为${o.relation})`))]);
    $("leave-head-box").hidden = !staying.length;
    $("leave-who").textContent = `${m.name}(${m.relation})`;
    $("leave-date").value = today();
    $("leave-note").value = "";
    $("leave-form").hidden = false;
    $("member-form").hidden = true;
    $("leave-form").scrollIntoView({block: "nearest"});
  }

  function addLeave() {
    const date = $("leave-date").value;
    if (!date) { say("请填写离开的日期"); return; }
    if (date > today()) { say("离开日期不能晚于今天"); return; }
    const reason = $("leave-reason").value;
    const note = $("leave-note").value.trim();
    const entry = {field: "member_leave", person: leaving.id, reason, date, note};
    let head = "";
    if (!$("leave-head-box").hidden) {
      if (!$("leave-head").value) { say("户主离开,请指定新户主"); return; }
      entry.new_head = Number($("leave-head").value);
      head = `,新户主 ${memberOf(entry.new_head).name}`;
    }
    error.textContent = "";
    entries.push({...entry, label: `成员离开:${leaving.name},${reason} ${date}${note ? `(${note})` : ""}${head}`});
    $("leave-form").hidden = true;
    listEntries();
  }

  function memberReasonChanged() {
    const birth = $("m-reason").value === "出生";
    $("m-date-label").textContent = birth ? "出生日期" : "加入日期";
    $("m-birth-box").hidden = birth;
  }

  function openMember() {
    ["m-name", "m-birth", "m-id"].forEach((id) => { $(id).value = ""; });
    form.querySelectorAll("input[name=m-gender]").forEach((x) => { x.checked = false; });
    $("m-reason").value = "出生";
    $("m-relation").value = "子女";
    $("m-kind").value = "registered";
    $("m-date").value = "";
    memberReasonChanged();
    $("member-form").hidden = false;
    $("leave-form").hidden = true;
    $("m-name").focus();
  }

  // The entry as the server takes it, or a message saying what is missing.
  // The server checks it all again (the ID number's check digit, dates).
  function memberEntry() {
    const name = $("m-name").value.trim();
    const reason = $("m-reason").value;
    const date = $("m-date").value;
    const idNumber = $("m-id").value.replace(/\s/g, "").toUpperCase();
    const gender = (form.querySelector("input[name=m-gender]:checked") || {}).value || "";
    const birth = $("m-birth").value.trim();
    if (!name) return "请填写新成员的姓名";
    if (!date) return reason === "出生" ? "请填写出生日期" : "请填写加入本户的日期";
    if (date > today()) return "日期不能晚于今天";
    if (idNumber && !/^\d{17}[\dX]$/.test(idNumber)) return "身份证号应为 18 位";
    if (!idNumber && !gender) return "请选择性别";
    const entry = {field: "member_add", name, relation: $("m-relation").value, reason, date,
      kind: $("m-kind").value};
    if (gender) entry.gender = gender;
    if (idNumber) entry.id_number = idNumber;
    if (reason !== "出生" && birth) {
      if (/^\d{4}$/.test(birth)) entry.birth_year = Number(birth);
      else if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(birth)) {
        const [y, m, d] = birth.split("-");
        entry.birth_date = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
      } else return "出生日期或年份应写成 1950 或 1950-06-01";
    }
    if (reason !== "出生" && !idNumber && !birth) return "请填写出生日期或年份(或身份证号)";
    return entry;
  }

  function addMember() {
    const entry = memberEntry();
    if (typeof entry === "string") { say(entry); return; }
    error.textContent = "";
    const kind = meta.members.kinds.find((k) => k.code === entry.kind);
    const who = [entry.relation, GENDER[entry.gender], entry.kind !== "registered" && kind ? kind.name : ""];
    const born = entry.reason === "出生" ? "" : entry.birth_date ? `,${entry.birth_date} 生` : entry.birth_year ? `,${entry.birth_year} 年生` : "";
    const id = entry.id_number ? `,身份证号 ${maskId(entry.id_number)}` : ",无身份证号";
    entries.push({...entry, label: `新增成员:${entry.name}(${who.filter(Boolean).join("·")}),${entry.reason} ${entry.date}${born}${id}`});
    $("member-form").hidden = true;
    listEntries();
  }

  function setUpMembers() {
    const lists = meta.members;
    if (!lists) { $("members-box").hidden = true; return; } // lists kept before this existed
    const options = (node, pairs) => Field.fill(node, pairs.map(([v, t]) => el("option", {value: v}, t)));
    options($("leave-reason"), lists.leave_reasons.map((r) => [r, r]));
    options($("m-reason"), lists.join_reasons.map((r) => [r, r]));
    options($("m-relation"), lists.relations.map((r) => [r, r]));
    options($("m-kind"), lists.kinds.map((k) => [k.code, k.name]));
    ["leave-date", "m-date"].forEach((id) => { $(id).max = today(); });
    $("m-reason").addEventListener("change", memberReasonChanged);
    $("member-open").addEventListener("click", openMember);
    $("member-add").addEventListener("click", addMember);
    $("member-cancel").addEventListener("click", () => { $("member-form").hidden = true; });
    $("leave-add").addEventListener("click", addLeave);
    $("leave-cancel").addEventListener("click", () => { $("leave-form").hidden = true; });
    listMembers();
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
    setUpMembers();
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
