// 今日: the grids served now, households due and overdue for a visit by
// colour, my requests (nearest deadline first), my tasks. Households with a
// visit still in the outbox say so. The cards of the households listed are
// then kept on the phone for offline use.
(function () {
  "use strict";
  const {el} = Field;
  const status = document.getElementById("status");
  let today = null;

  function household(h, pending) {
    return el("li", {class: `c-${h.colour}`, "data-household": h.household},
      el("a", {href: `/field/household/?h=${encodeURIComponent(h.household)}`},
        el("span", {class: `dot ${h.colour}`}, Field.COLOURS[h.colour]),
        el("span", {class: "addr"}, el("b", {}, h.head ? `${h.head}家` : `户 ${h.household.slice(-4)}`),
          el("small", {}, Field.shortAddress(h.address))),
        el("span", {class: "when"},
          pending ? el("b", {class: "pending"}, "已走访·待发送")
            : h.days_overdue > 0 ? el("b", {class: "late"}, `逾期 ${h.days_overdue} 天`)
              : h.last_visit_on ? `上次 ${Field.day(h.last_visit_on)}` : "从未走访")));
  }

  function counts(c) {
    const items = [];
    for (const colour of ["red", "yellow", "green"]) {
      items.push(el("li", {class: `c-${colour}`},
        el("b", {}, String(c.overdue[colour] + c.due[colour])),
        `${Field.COLOURS[colour]}色`, el("small", {}, `逾期 ${c.overdue[colour]}`)));
    }
    return items;
  }

  function request(r) {
    const late = r.due && new Date(r.due) < new Date();
    return el("li", {class: late ? "late" : ""},
      el("a", {href: `/requests/${encodeURIComponent(r.number)}/`},
        el("div", {}, el("b", {}, r.category), " ", el("span", {class: "tag"}, r.check ? "待核查" : r.state_label),
          r.urgency !== "normal" ? el("span", {class: "tag urgent"}, "紧急") : null),
        el("div", {class: "muted"}, r.description),
        el("div", {class: "muted small"}, r.number, r.due ? ` · 期限 ${Field.when(r.due)}` : "")));
  }

  function task(t, names) {
    const late = t.due_on && t.due_on < new Date().toISOString().slice(0, 10);
    return el("li", {class: late ? "late" : ""},
      el("a", {href: `/tasks/rows/${t.id}/`},
        el("div", {}, el("b", {}, t.task)),
        el("div", {class: "muted small"}, names[t.grid] || t.grid,
          t.target_count ? ` · 已完成 ${t.done_count}/${t.target_count} 户` : "",
          t.due_on ? ` · 期限 ${t.due_on}` : "")));
  }

  async function render() {
    if (!today) return;
    const pending = new Set((await Field.waiting()).filter((r) => r.kind === "visit").map((r) => r.op.household));
    const g = today.grids;
    Field.fill(document.getElementById("grids"), g.map((x) => el("span", {class: x.covering ? "chip cover" : "chip"},
      x.name, " ", el("small", {}, x.covering ? "B岗代岗" : `${x.post}岗`))), null);
    if (!g.length) document.getElementById("grids").append(el("p", {class: "muted"}, "您现在没有在岗的网格(休假中,或未设岗位)"));
    Field.fill(document.getElementById("counts"), counts(today.visits.counts));
    Field.fill(document.getElementById("overdue"), today.visits.overdue.map((h) => household(h, pending.has(h.household))), "没有逾期的住户");
    Field.fill(document.getElementById("due"), today.visits.due.map((h) => household(h, pending.has(h.household))), "今天没有到期的走访");
    Field.fill(document.getElementById("requests"), today.requests.map(request), "没有待办的诉求");
    const names = Object.fromEntries(g.map((x) => [x.code, x.name]));
    Field.fill(document.getElementById("tasks"), (today.tasks || []).map((t) => task(t, names)), "没有任务");
  }
  // A visit saved or sent changes the "待发送" marks.
  Field.onOutbox = () => render();

  Field.getJSON("today/").then((answer) => {
    today = answer.data;
    Field.status(status, answer);
    render();
    if (!answer.cached) {
      const all = [...today.visits.overdue, ...today.visits.due].map((h) => h.household);
      Field.meta().catch(() => {}); // keep the forms' lists too
      Field.prefetchCards(all);
    }
  }, (error) => Field.problem(status, error));
})();
