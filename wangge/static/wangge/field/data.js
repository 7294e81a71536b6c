// Reading for the phone pages: the API's answers (through the service
// worker, which falls back to the kept copy with no signal), small DOM and
// time helpers, and registering the service worker itself.
(function () {
  "use strict";
  const Field = window.Field = window.Field || {};
  const body = document.body;
  Field.user = body.dataset.user;
  Field.api = "/api/field/";

  // A new element; children are nodes or text (never parsed as HTML, so
  // names and notes from the server cannot inject markup).
  Field.el = function (tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    children.flat().forEach((c) => {
      if (c === null || c === undefined || c === false) return;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    });
    return node;
  };
  Field.fill = function (parent, children, empty) {
    parent.replaceChildren(...children);
    if (!children.length && empty) parent.append(Field.el("li", {class: "empty"}, empty));
  };

  const SHANGHAI = {timeZone: "Asia/Shanghai"};
  // "11-30 14:20" in Beijing time, whatever zone the phone is set to.
  Field.when = function (iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    const p = new Intl.DateTimeFormat("zh-CN", {...SHANGHAI, month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hour12: false}).formatToParts(d);
    const v = (t) => (p.find((x) => x.type === t) || {}).value;
    return `${v("month")}-${v("day")} ${v("hour")}:${v("minute")}`;
  };
  Field.day = (iso) => (iso ? iso.slice(5, 10) : "");
  // "陕西省商洛市丹凤县商镇保定村****" → "商镇保定村****": on a 360 px
  // screen the province, city and county say nothing.
  Field.shortAddress = (a) => (a || "").replace(/^.{0,4}省.{0,6}?市.{0,6}?[县区市]/, "");
  Field.param = (name) => new URLSearchParams(location.search).get(name) || "";

  Field.COLOURS = {red: "红", yellow: "黄", green: "绿"};

  // A new id for a record, made when it is made: the server keeps each id
  // once, so a record sent twice is stored once.
  Field.uuid = function () {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  // GET a JSON answer of the phone's API. Resolves {data, cached} where
  // cached is when the kept copy was fetched (no signal), or "".
  // Rejects with {kind: "login" | "missing" | "offline" | "server", message}.
  Field.getJSON = function (path) {
    return fetch(path.startsWith("/") ? path : Field.api + path, {
      credentials: "same-origin", headers: {Accept: "application/json"},
    }).then((r) => {
      if (r.status === 401 || r.status === 403 || r.redirected) {
        throw {kind: "login", message: "登录已过期,请重新登录"};
      }
      if (r.status === 404) throw {kind: "missing", message: "没有找到,或不在您的网格内"};
      if (!r.ok) throw {kind: "server", message: `服务器出错(${r.status}),请稍后再试`};
      return r.json().then((data) => ({data, cached: r.headers.get("X-Field-Cached") || ""}));
    }, () => {
      throw {kind: "offline", message: "没有网络,手机上也没有保存这项内容"};
    });
  };

  let meta = null;
  // The lists the forms need (duties, categories, fields a change may
  // name), kept by the service worker for offline use.
  Field.meta = () => (meta = meta || Field.getJSON("meta/").then((a) => a.data));

  // A line under the title: where the data came from.
  Field.status = function (node, answer) {
    if (!node) return;
    if (answer.cached) {
      node.textContent = `离线数据,更新于 ${Field.when(answer.cached)}`;
      node.className = "warn";
    } else {
      node.textContent = "";
      node.hidden = true;
    }
  };
  Field.problem = function (node, error) {
    node.hidden = false;
    node.className = "error-text";
    node.replaceChildren(error.message || "出错了");
    if (error.kind === "login") {
      node.append(" ", Field.el("a", {href: `/login/?next=${encodeURIComponent(location.pathname + location.search)}`}, "去登录"));
    }
  };

  // Keep the household cards of today's list on the phone, so they open
  // with no signal. Each card is fetched at most every CARD_TTL (every read
  // is audited on the server), one at a time, and only while online.
  const CARD_TTL = 12 * 3600 * 1000;
  const CARD_MAX = 60;
  Field.prefetchCards = async function (numbers) {
    if (!("serviceWorker" in navigator)) return;
    await navigator.serviceWorker.ready;
    for (const n of numbers.slice(0, CARD_MAX)) {
      if (!navigator.onLine) return;
      const seen = await Field.store.get("kv", `card:${n}`);
      if (seen && Date.now() - seen.at < CARD_TTL) continue;
      try {
        const a = await Field.getJSON(`households/${n}/`);
        if (!a.cached) await Field.store.put("kv", {k: `card:${n}`, at: Date.now()});
      } catch (e) {
        if (e.kind === "offline" || e.kind === "login") return;
      }
    }
  };

  // The network line in the bar.
  function showNet() {
    const net = document.getElementById("net");
    net.textContent = navigator.onLine ? "在线" : "离线";
    net.className = navigator.onLine ? "net on" : "net off";
  }
  window.addEventListener("online", showNet);
  window.addEventListener("offline", showNet);
  showNet();

  // Signing out on a shared phone forgets the kept answers (not the
  // outbox). The token comes from the cookie: a kept page's would be stale.
  document.getElementById("logout").addEventListener("submit", function () {
    this.elements.csrfmiddlewaretoken.value = Field.csrf();
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget-data");
    }
  });
  Field.csrf = function () {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  };

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.sw, {scope: body.dataset.scope}).catch(() => {
      // Not over HTTPS (or localhost): the pages work online only.
    });
  }
})();
