// The outbox: every record is kept on the phone first and sent later.
//
// Field.queue(op, {kind, summary, photos}) stores the record (with a UUID
// made when it was made) and its photos in IndexedDB, then tries to send.
// Sending posts the waiting records of the signed-in worker, in the order
// made, to /api/field/sync/. A record leaves the outbox only when the
// server has answered for it: ok, duplicate (it had it already — an
// answer lost on the way, a second tab) or conflict (kept on the server
// for a person to review). An error is kept with the server's message
// until the worker resends or discards it. Photos go one per request after
// their record is on the server. Sending is tried on page load, when the
// phone comes back online, every 30 s while something waits, and after
// each new record.
(function () {
  "use strict";
  const Field = window.Field;
  const {el, store} = Field;
  const LOG_KEEP = 50;
  const BATCH = 200; // the server's max_ops
  const CONFLICT_TEXT = "该户信息已被他人修改,已提交审核";
  const KINDS = {visit: "走访", household_change: "信息变更", patrol_start: "开始巡查",
    patrol_points: "巡查轨迹", patrol_stop: "结束巡查", finding: "发现问题"};
  let sending = null;
  let again = false;
  let identity = null; // has the server confirmed who is signed in?
  let lastProblem = "";

  // Keep records (each {op, summary, photos}) in one transaction — a
  // visit and the change it noticed are saved together or not at all —
  // then try to send them.
  Field.queue = async function (...records) {
    const made = new Date().toISOString();
    await store.tx(["outbox", "photos"], "readwrite", (outbox, photoStore) => {
      for (const {op, summary = "", photos = []} of records) {
        outbox.add({op, user: Field.user, kind: op.op, summary, made, state: "waiting", error: null});
        photos.slice(0, 6).forEach((file) => photoStore.put({id: Field.uuid(), record: op.id,
          user: Field.user, blob: file, name: file.name || "photo.jpg", state: "waiting"}));
      }
    });
    // Counted before the caller goes on: a page that says "saved" or "stopped" shows the
    // record waiting at the same moment, never the count from before it.
    await render();
    Field.send();
  };

  Field.waiting = async function () {
    const rows = await store.all("outbox");
    return rows.filter((r) => r.user === Field.user);
  };

  // Send what waits; one sending at a time in this page (and across tabs
  // where the browser has Web Locks; the server would take a second copy
  // as a duplicate anyway).
  Field.send = function () {
    if (sending) { again = true; return sending; }
    again = false;
    const run = () => sendAll().catch(() => {});
    sending = (navigator.locks ? navigator.locks.request("wangge-field-send", run) : run())
      .finally(() => {
        sending = null;
        render();
        if (again) Field.send(); // records kept while this round was on its way
      });
    return sending;
  };

  async function sendAll() {
    if (!navigator.onLine) return;
    const rows = (await Field.waiting()).filter((r) => r.state === "waiting");
    const photos = (await store.all("photos")).filter((p) => p.user === Field.user && p.state === "waiting");
    if (!rows.length && !photos.length) return;
    setState("正在发送…");
    if (!(await checkIdentity())) return;
    for (let i = 0; i < rows.length; i += BATCH) {
      if (!(await sendBatch(rows.slice(i, i + BATCH)))) return;
    }
    await sendPhotos();
    lastProblem = "";
  }

  // The records belong to the worker who made them: send them only under
  // that worker's session (a phone may be shared, and a kept page may name
  // someone who has since signed out).
  async function checkIdentity() {
    if (identity === Field.user) return true;
    try {
      const r = await fetch("/api/me/", {credentials: "same-origin", headers: {Accept: "application/json"}});
      if (r.status === 401 || r.status === 403) return problem("登录已过期,请重新登录后自动发送", true);
      if (!r.ok) return problem(`服务器出错(${r.status}),稍后自动重发`);
      const me = await r.json();
      if (me.username !== Field.user) {
        return problem(`当前登录的是 ${me.username},这些记录属于 ${Field.user},请用该账号登录后发送`, true);
      }
      identity = Field.user;
      return true;
    } catch (e) {
      return problem("网络不通,稍后自动重发");
    }
  }

  async function sendBatch(rows) {
    let r;
    try {
      r = await fetch(`${Field.api}sync/`, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": Field.csrf()},
        body: JSON.stringify({ops: rows.map((row) => row.op)}),
      });
    } catch (e) {
      return problem("网络不通,稍后自动重发");
    }
    if (r.status === 401) { identity = null; return problem("登录已过期,请重新登录后自动发送", true); }
    if (r.status === 403) { identity = null; return problem("登录已过期或页面已失效,请重新登录后自动发送", true); }
    if (!r.ok) {
      const body = await r.json().catch(() => ({}));
      return problem(body.message || `服务器出错(${r.status}),稍后自动重发`);
    }
    const answer = await r.json();
    const bySeq = new Map(rows.map((row) => [row.op.id, row]));
    for (const res of answer.results || []) {
      const row = bySeq.get(res.id);
      if (row) await settle(row, res);
    }
    return true;
  }

  // One answer: gone from the outbox unless it is an error.
  async function settle(row, res) {
    const status = res.status === "duplicate" ? res.original || "ok" : res.status;
    if (res.status === "error") {
      row.state = "error";
      row.error = {code: res.code, message: res.message};
      await store.put("outbox", row);
      await log(row, "error", res.message);
      return;
    }
    let message = "已发送";
    if (status === "conflict") {
      message = row.kind === "household_change" ? CONFLICT_TEXT : (res.result && res.result.what) || "已处理过";
    } else if (row.kind === "finding" && res.result && res.result.request) {
      message = `已上报,诉求编号 ${res.result.request}`;
    }
    await store.tx(["outbox", "log"], "readwrite", (outbox, logStore) => {
      outbox.delete(row.seq);
      logStore.put(entry(row, status, message, status === "conflict"));
    });
    if (status === "conflict") notices();
  }

  function entry(row, status, message, unseen) {
    return {id: row.op.id, kind: row.kind, summary: row.summary, made: row.made,
      at: new Date().toISOString(), status, message, unseen: !!unseen, user: row.user};
  }

  async function log(row, status, message) {
    await store.put("log", entry(row, status, message, false));
    const all = (await store.all("log")).sort((a, b) => (a.at < b.at ? 1 : -1));
    for (const old of all.slice(LOG_KEEP)) await store.del("log", old.id);
  }

  async function sendPhotos() {
    const waitingIds = new Set((await Field.waiting()).map((r) => r.op.id));
    const photos = (await store.all("photos")).filter((p) => p.user === Field.user && p.state === "waiting");
    for (const p of photos) {
      if (waitingIds.has(p.record)) continue; // its record is not on the server yet
      const form = new FormData();
      form.append("id", p.id);
      form.append("record", p.record);
      form.append("photo", p.blob, p.name);
      let r;
      try {
        r = await fetch(`${Field.api}photos/`, {method: "POST", credentials: "same-origin",
          headers: {"X-CSRFToken": Field.csrf(), Accept: "application/json"}, body: form});
      } catch (e) {
        return problem("网络不通,照片稍后自动重发");
      }
      if (r.ok) { await store.del("photos", p.id); continue; }
      if (r.status === 401 || r.status === 403) return problem("登录已过期,请重新登录后自动发送", true);
      const body = await r.json().catch(() => ({}));
      if (body.code === "photo.record") continue; // the record errored: the photo waits with it
      if (r.status >= 500) return problem(`服务器出错(${r.status}),稍后自动重发`);
      p.state = "error";
      p.error = body.message || `照片发送失败(${r.status})`;
      await store.put("photos", p);
    }
  }

  function problem(message, login) {
    lastProblem = message;
    setState(message, login);
    return false;
  }

  // --- what the worker sees -------------------------------------------------------------

  function setState(text, login) {
    const node = document.getElementById("outbox-state");
    node.replaceChildren(text);
    if (login) node.append(" ", el("a", {href: `/login/?next=${encodeURIComponent(location.pathname + location.search)}`}, "去登录"));
  }

  Field.describe = function (row) {
    const kind = KINDS[row.kind] || row.kind;
    return `${kind}${row.summary ? " · " + row.summary : ""}`;
  };

  // One line per waiting record: what, when made, and its error if any,
  // with "resend" and "discard" for errors.
  Field.outboxItems = function (rows, photos) {
    const ids = new Set(rows.map((r) => r.op.id));
    // Photos whose record is already on the server wait on their own.
    const loose = photos.filter((p) => !ids.has(p.record)).map((p) => el("li",
      {class: p.state === "error" ? "error" : "", "data-photo": p.id},
      el("span", {class: "what"}, "照片 · 所属记录已发送"),
      p.state === "error" ? el("div", {class: "error-text"}, `发送失败:${p.error}`,
        el("button", {type: "button", class: "small", onclick: () => dropPhoto(p)}, "放弃")) : null));
    return rows.map((row) => {
      const n = photos.filter((p) => p.record === row.op.id);
      const bad = n.find((p) => p.state === "error");
      return el("li", {class: row.state === "error" ? "error" : "", "data-op": row.op.id, "data-kind": row.kind},
        el("span", {class: "what"}, Field.describe(row)),
        el("span", {class: "muted"}, ` ${Field.when(row.made)}`, n.length ? ` · 照片 ${n.length} 张` : ""),
        row.state === "error" ? el("div", {class: "error-text"}, `发送失败:${row.error.message}`,
          el("button", {type: "button", class: "small", onclick: () => resend(row)}, "重新发送"),
          el("button", {type: "button", class: "small", onclick: () => discard(row)}, "放弃")) : null,
        bad ? el("div", {class: "error-text"}, `照片:${bad.error}`) : null);
    }).concat(loose);
  };

  async function dropPhoto(p) {
    if (!confirm("放弃这张照片?")) return;
    await store.del("photos", p.id);
    render();
  }

  async function resend(row) {
    // Everything that failed goes again, in order: a later record may
    // depend on an earlier one (the points of a patrol whose start failed).
    for (const r of await Field.waiting()) {
      if (r.state === "error") { r.state = "waiting"; r.error = null; await store.put("outbox", r); }
    }
    render();
    Field.send();
  }

  async function discard(row) {
    if (!confirm(`放弃这条记录?放弃后不会再发送:\n${Field.describe(row)}`)) return;
    await store.tx(["outbox", "photos"], "readwrite", (outbox, photoStore) => {
      outbox.delete(row.seq);
      photoStore.index("record").openCursor(IDBKeyRange.only(row.op.id)).onsuccess = (e) => {
        const c = e.target.result;
        if (c) { c.delete(); c.continue(); }
      };
    });
    await log(row, "discarded", "已放弃,未发送");
    render();
  }

  async function render() {
    const rows = await Field.waiting();
    const photos = (await store.all("photos")).filter((p) => p.user === Field.user);
    const loose = photos.filter((p) => !rows.some((r) => r.op.id === p.record)).length;
    const errors = rows.filter((r) => r.state === "error").length;
    const count = document.getElementById("outbox-count");
    count.textContent = `待发送 ${rows.length} 条` + (loose ? `,照片 ${loose} 张` : "") + (errors ? `(${errors} 条失败)` : "");
    document.getElementById("outbox").classList.toggle("has", rows.length + loose > 0);
    document.getElementById("outbox").classList.toggle("bad", errors > 0);
    Field.fill(document.getElementById("outbox-list"), Field.outboxItems(rows, photos), "没有待发送的记录");
    if (!sending) {
      if (lastProblem) setState(lastProblem, /登录/.test(lastProblem));
      else setState(!navigator.onLine && rows.length ? "离线,有网后自动发送" : "");
    }
    if (Field.onOutbox) Field.onOutbox(rows, photos);
  }
  Field.renderOutbox = render;

  // Conflicts stay on screen until the worker has read them.
  async function notices() {
    const box = document.getElementById("notices");
    const unseen = (await store.all("log")).filter((l) => l.unseen && l.user === Field.user);
    Field.fill(box, unseen.map((l) => el("p", {class: "notice", "data-op": l.id},
      el("b", {}, l.message), ` ${Field.describe(l)}`,
      el("button", {type: "button", class: "small", onclick: async () => {
        l.unseen = false;
        await store.put("log", l);
        notices();
      }}, "知道了"))));
  }

  document.getElementById("outbox-send").addEventListener("click", () => { identity = null; Field.send(); });
  window.addEventListener("online", () => { render(); Field.send(); });
  window.addEventListener("offline", () => render());
  // Another tab may have sent or added records.
  document.addEventListener("visibilitychange", () => { if (!document.hidden) { render(); notices(); } });
  setInterval(() => { render().then(() => Field.send()); }, 30000);
  render();
  notices();
  Field.send();
})();
