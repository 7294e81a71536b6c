// 户卡: one household — colour and reasons, the visit schedule, members
// (masked by the server), the last visits, open disputes and change
// requests. Opened once online, it opens offline from the kept copy.
(function () {
  "use strict";
  const {el} = Field;
  const number = Field.param("h");
  const status = document.getElementById("status");
  const GENDER = {M: "男", F: "女"};
  const CHANGE = {pending: "待审核", conflict: "待核对(他人已改过)", approved: "已通过", rejected: "未通过"};

  function member(m) {
    const facts = [m.relation, GENDER[m.gender], m.age !== null ? `${m.age} 岁` : null].filter(Boolean).join(" · ");
    return el("li", {"data-person": m.id},
      el("div", {}, el("b", {}, m.name), " ", el("span", {class: "muted"}, facts),
        m.is_away ? el("span", {class: "tag"}, "外出务工") : null,
        ...m.tags.map((t) => el("span", {class: "tag"}, t))),
      el("div", {class: "muted small"}, `身份证 ${m.id_masked || "—"}`, m.phone_masked ? ` · 电话 ${m.phone_masked}` : ""),
      m.occupation || m.education || m.health_note
        ? el("div", {class: "muted small"}, [m.occupation, m.education, m.health_note].filter(Boolean).join(" · ")) : null);
  }

  async function render(card) {
    
    const colour = document.getElementById("colour");
    colour.className = `colour colour-${card.colour}`;
    colour.textContent = card.colour_label;
    const head = card.members.find((m) => m.relation === "户主");
    document.getElementById("who").textContent = head ? `${head.name}家` : `户 ${card.number.slice(-4)}`;
    document.getElementById("address").textContent = Field.shortAddress(card.address);
    document.getElementById("meta").textContent = `${card.grid.name} · 户号 ${card.number}`;
    Field.fill(document.getElementById("reasons"), card.reasons.map((r) => el("li", {}, r)));
    const v = card.visit;
    const pending = (await Field.waiting()).some((r) => r.kind === "visit" && r.op.household === number);
    document.getElementById("visit-state").replaceChildren(
      el("span", {class: `visit-${v.state}`}, v.label),
      v.days_overdue > 0 ? ` · 逾期 ${v.days_overdue} 天` : "",
      ` · 应走访 ${v.due_on}`, v.last_visit_on ? ` · 上次 ${v.last_visit_on}` : " · 从未走访",
      pending ? el("b", {class: "pending"}, " · 已走访·待发送") : "");
    document.getElementById("record-visit").href = `/field/visit/?h=${encodeURIComponent(number)}`;
    document.getElementById("report-here").href = `/field/patrol/?h=${encodeURIComponent(number)}`;
    Field.fill(document.getElementById("members"), card.members.map(member), "没有登记的成员");
    Field.fill(document.getElementById("visits"), card.last_visits.map((x) => el("li", {},
      el("div", {}, el("b", {}, Field.when(x.at)), " ", el("span", {class: "muted"}, x.worker)),
      x.notes ? el("div", {}, x.notes) : null)), "还没有走访记录");
    const disputes = card.disputes || [];
    document.getElementById("disputes-box").hidden = !disputes.length;
    Field.fill(document.getElementById("disputes"), disputes.map((d) => el("li", {class: d.risk === "high" ? "late" : ""},
      el("a", {href: `/disputes/${encodeURIComponent(d.number)}/`},
        el("div", {}, el("b", {}, d.type_label), " ", el("span", {class: "tag"}, `${d.state_label} · ${d.level_label}`),
          el("span", {class: d.risk === "high" ? "tag urgent" : "tag"}, d.risk_label)),
        el("div", {}, d.summary),
        el("div", {class: "muted small"}, `${d.number} · 发现于 ${d.found_on}`)))));
    document.getElementById("changes-box").hidden = !card.changes_open.length;
    Field.fill(document.getElementById("changes"), card.changes_open.map((c) => el("li", {class: c.status},
      el("span", {class: "tag"}, CHANGE[c.status] || c.status), " ", c.proposed.join("、"))));
    document.getElementById("card").hidden = false;
  }

  if (!number) {
    Field.problem(status, {message: "没有指明哪一户"});
    return;
  }
  Field.getJSON(`households/${encodeURIComponent(number)}/`).then((answer) => {
    Field.status(status, answer);
    render(answer.data);
    if (!answer.cached) Field.store.put("kv", {k: `card:${number}`, at: Date.now()});
  }, (error) => Field.problem(status, error));
})();
