// 待发送: the records waiting (with errors and what to do about them),
// what the server answered for the last ones sent, and the worker's change
// requests with what became of them.
(function () {
  "use strict";
  const {el} = Field;
  const STATUS = {ok: "已发送", conflict: "待核对", error: "失败", discarded: "已放弃"};
  const CHANGE = {pending: "待审核", conflict: "待核对(他人已改过)", approved: "已通过", rejected: "未通过"};

  async function render(rows, photos) {
    Field.fill(document.getElementById("waiting"), Field.outboxItems(rows, photos), "没有待发送的记录");
    const log = (await Field.store.all("log")).filter((l) => l.user === Field.user)
      .sort((a, b) => (a.at < b.at ? 1 : -1));
    Field.fill(document.getElementById("log"), log.map((l) => el("li", {class: l.status, "data-op": l.id},
      el("span", {class: "tag"}, STATUS[l.status] || l.status), " ", Field.describe(l),
      el("div", {class: l.status === "conflict" || l.status === "error" ? "error-text" : "muted small"},
        l.message, ` · ${Field.when(l.at)}`))), "还没有发送过记录");
  }
  Field.onOutbox = render;

  Field.getJSON("changes/").then((answer) => {
    Field.fill(document.getElementById("my-changes"), answer.data.results.map((c) => el("li", {class: c.status},
      el("span", {class: "tag"}, CHANGE[c.status] || c.status), " ", c.proposed.join("、"),
      el("div", {class: "muted small"}, `户号 ${c.household}`, c.decision_note ? ` · ${c.decision_note}` : ""))),
    "没有变更申请");
  }, (e) => document.getElementById("my-changes").replaceChildren(el("li", {class: "empty"},
    e.kind === "offline" ? "没有网络,联网后显示" : e.message)));
})();
