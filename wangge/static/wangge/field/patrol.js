// 巡查: start and stop a patrol of a grid; while this page is open the
// phone's position is followed (watchPosition) and kept as the trail — a
// point when the worker has moved MIN_METRES or every MIN_SECONDS — in
// batches of points sent like every other record. Something found is
// recorded in one step: reported as a request (category, text, photos) or
// handled on the spot. A patrol under way survives a reload (kept in
// IndexedDB); the trail pauses while the page is closed.
(function () {
  "use strict";
  const {el} = Field;
  const MIN_SECONDS = 20;
  const MIN_METRES = 25;
  const BATCH_POINTS = 20;
  const BATCH_SECONDS = 120;
  const status = document.getElementById("status");
  const gridSelect = document.getElementById("grid");
  const household = Field.param("h");
  let patrol = null; // {id, grid, gridName, started, buffer, count, metres, last, flushed}
  let watch = null;
  let lastPos = null;
  let meta = null;
  let savedFinding = ""; // the last finding saved, followed out of the outbox

  const KEY = "patrol";
  const save = () => Field.store.put("kv", {k: KEY, user: Field.user, patrol});

  function metres(a, b) {
    const r = Math.PI / 180;
    const h = Math.sin((b.lat - a.lat) * r / 2) ** 2 +
      Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin((b.lon - a.lon) * r / 2) ** 2;
    return 2 * 6371000 * Math.asin(Math.sqrt(h));
  }

  function duty(code) { return meta && meta.duties.some((d) => d.code === code) ? [code] : []; }

  // --- the trail ----------------------------------------------------------------------

  function onPosition(pos) {
    const here = {lon: +pos.coords.longitude.toFixed(6), lat: +pos.coords.latitude.toFixed(6),
      accuracy: Math.round(pos.coords.accuracy || 0), t: Date.now()};
    lastPos = here;
    if (patrol) note("");
    whereLine();
    if (!patrol) return;
    const last = patrol.last;
    if (last && here.t - last.t < MIN_SECONDS * 1000 && metres(last, here) < MIN_METRES) return;
    if (last) patrol.metres += metres(last, here);
    // Never before the start (a position the phone had cached).
    const at = new Date(Math.max(here.t, Date.parse(patrol.started))).toISOString();
    patrol.buffer.push({at, lon: here.lon, lat: here.lat, accuracy: here.accuracy});
    patrol.count += 1;
    patrol.last = here;
    const due = patrol.buffer.length >= BATCH_POINTS || Date.now() - patrol.flushed > BATCH_SECONDS * 1000;
    (due ? flushPoints() : save()).then(show);
  }

  function pointsRecord() {
    if (!patrol.buffer.length) return null;
    const record = {op: {id: Field.uuid(), op: "patrol_points", patrol: patrol.id, points: patrol.buffer},
      summary: `${patrol.gridName} ${patrol.buffer.length} 个点`};
    patrol.buffer = [];
    patrol.flushed = Date.now();
    return record;
  }

  async function flushPoints() {
    const record = pointsRecord();
    await save();
    if (record) await Field.queue(record);
  }

  function follow() {
    if (!navigator.geolocation) { note("此设备不能定位,巡查不记录轨迹"); return; }
    if (watch === null) {
      // No timeout: standing still is not a failure. Only a refusal or a
      // phone that cannot locate at all is worth telling.
      watch = navigator.geolocation.watchPosition(onPosition, (e) => {
        if (e.code === e.PERMISSION_DENIED) note("未允许定位,巡查不记录轨迹(可在浏览器设置中允许)");
        else if (e.code === e.POSITION_UNAVAILABLE) note("暂时无法定位,轨迹暂停");
      }, {enableHighAccuracy: true, maximumAge: 10000});
    }
  }

  // --- start, stop, show --------------------------------------------------------------

  function note(text) { document.getElementById("patrol-note").textContent = text; }

  function show() {
    document.getElementById("idle").hidden = !!patrol;
    document.getElementById("running").hidden = !patrol;
    if (patrol) {
      document.getElementById("trail").textContent =
        `${patrol.gridName} · 轨迹点 ${patrol.count} 个 · 约 ${Math.round(patrol.metres)} 米 · 离开本页后暂停记录轨迹`;
    }
    whereLine();
  }

  function clock() {
    if (!patrol) return;
    const s = Math.floor((Date.now() - Date.parse(patrol.started)) / 1000);
    document.getElementById("clock").textContent =
      `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  }
  setInterval(clock, 1000);

  document.getElementById("start").addEventListener("click", async () => {
    if (!gridSelect.value) { note("没有可巡查的网格"); return; }
    patrol = {id: Field.uuid(), grid: gridSelect.value, gridName: gridSelect.selectedOptions[0].textContent,
      started: new Date().toISOString(), buffer: [], count: 0, metres: 0, last: null, flushed: Date.now()};
    await save();
    await Field.queue({op: {id: patrol.id, op: "patrol_start", grid: patrol.grid, at: patrol.started,
      duties: duty("patrol")}, summary: patrol.gridName});
    show();
    clock();
    follow();
  });

  document.getElementById("stop").addEventListener("click", async () => {
    if (!patrol || !confirm("结束本次巡查?")) return;
    const records = [pointsRecord(), {op: {id: Field.uuid(), op: "patrol_stop", patrol: patrol.id,
      at: new Date().toISOString(), duties: duty("patrol")},
    summary: `${patrol.gridName} 共 ${patrol.count} 个点,约 ${Math.round(patrol.metres)} 米`}].filter(Boolean);
    const done = patrol;
    patrol = null;
    await Field.queue(...records);
    await save();
    note(`巡查已结束:${done.gridName},轨迹点 ${done.count} 个`);
    show();
  });

  // --- findings -----------------------------------------------------------------------

  const form = document.getElementById("finding-form");
  const catSelect = document.getElementById("category");
  const error = document.getElementById("finding-error");

  function whereLine() {
    const parts = [];
    if (household) parts.push(`关于户号 ${household}`);
    if (patrol) parts.push(`巡查 ${patrol.gridName}`);
    else if (gridSelect.value) parts.push(gridSelect.selectedOptions[0].textContent);
    parts.push(lastPos ? `位置 ${lastPos.lon}, ${lastPos.lat}` : "未定位");
    document.getElementById("finding-where").textContent = parts.join(" · ");
  }

  function categories(filter) {
    const words = filter.trim();
    const shown = meta.categories.filter((c) => !words || c.path.includes(words));
    Field.fill(catSelect, [el("option", {value: ""}, shown.length ? "请选择" : "没有匹配的类别"),
      ...shown.map((c) => el("option", {value: c.code}, c.path))]);
    if (shown.length === 1) catSelect.value = shown[0].code;
  }
  document.getElementById("cat-filter").addEventListener("input", (e) => categories(e.target.value));

  form.addEventListener("change", () => {
    const handled = form.elements.outcome.value === "handled";
    document.getElementById("handled-note").hidden = !handled;
    catSelect.disabled = handled;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const outcome = form.elements.outcome.value;
    const description = document.getElementById("description").value.trim();
    const handledNote = document.getElementById("handled-note").value.trim();
    if (description.length < 5) { error.textContent = "请写明发现的情况(至少 5 个字)"; return; }
    if (outcome === "reported" && !catSelect.value) { error.textContent = "请选择事项类别"; return; }
    if (outcome === "handled" && handledNote.length < 5) { error.textContent = "请写明怎么处置的(至少 5 个字)"; return; }
    error.textContent = "";
    const op = {id: Field.uuid(), op: "finding", at: new Date().toISOString(), description, outcome};
    if (patrol) op.patrol = patrol.id; else op.grid = gridSelect.value;
    if (household) op.household = household;
    if (lastPos) { op.lon = lastPos.lon; op.lat = lastPos.lat; }
    if (outcome === "reported") { op.category = catSelect.value; op.urgency = "normal"; } else op.handled_note = handledNote;
    const label = outcome === "reported" ? catSelect.selectedOptions[0].textContent.split(" / ").pop() : "现场处置";
    // Points so far go first, so the trail is on the server before the finding.
    const records = [patrol ? pointsRecord() : null,
      {op, summary: `${label}:${description.slice(0, 20)}`, photos: [...document.getElementById("fphotos").files]}].filter(Boolean);
    await save();
    await Field.queue(...records);
    form.reset();
    categories("");
    document.getElementById("handled-note").hidden = true;
    catSelect.disabled = false;
    document.getElementById("fphotos-note").textContent = "可选,最多 6 张";
    savedFinding = op.id;
    document.getElementById("finding-saved").textContent = navigator.onLine ? "已保存,正在发送" : "已保存,有网后自动发送";
  });

  // Once the finding has left the phone, say what became of it.
  Field.onOutbox = async (rows) => {
    if (!savedFinding || rows.some((r) => r.op.id === savedFinding)) return;
    const answer = await Field.store.get("log", savedFinding);
    if (answer) document.getElementById("finding-saved").textContent = answer.message;
  };

  // --- load ---------------------------------------------------------------------------

  Promise.all([Field.meta(), Field.getJSON("today/"), Field.store.get("kv", KEY)]).then(([m, today, kept]) => {
    meta = m;
    Field.status(status, today);
    Field.fill(gridSelect, today.data.grids.map((g) => el("option", {value: g.code},
      g.covering ? `${g.name}(B岗代岗)` : g.name)));
    if (!today.data.grids.length) note("您现在没有在岗的网格");
    document.getElementById("start").disabled = !today.data.grids.length;
    categories("");
    if (kept && kept.user === Field.user && kept.patrol) {
      patrol = kept.patrol;
      follow();
    } else if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(onPosition, () => {}, {timeout: 10000, maximumAge: 60000});
    }
    show();
    clock();
  }, (e) => Field.problem(status, e));
})();
