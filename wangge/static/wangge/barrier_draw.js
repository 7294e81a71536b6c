// Barrier lines (rivers, main roads) on a village's compute form: drawn by clicking on the map
// (generation_map.js's) or imported from a GeoJSON file, listed, and sent with the form in the
// hidden input "barriers" as a JSON array of GeoJSON LineStrings. The server checks them again
// (the service is the one place that decides); this only refuses what it can see is not a line.
(function () {
  var box = document.getElementById("barriers");
  var el = document.getElementById("genmap");
  if (!box || !el || !window.L) return;
  function $(id) { return document.getElementById(id); }
  var input = $("id_barriers"), list = $("barrier-list"), hint = $("barrier-hint");
  var message = $("barrier-message"), source = $("barriers-source");
  var buttons = { draw: $("barrier-draw"), finish: $("barrier-finish"), undo: $("barrier-undo"),
                  cancel: $("barrier-cancel"), clear: $("barrier-clear") };
  var MAX = Number(box.dataset.max) || 50;
  var MAX_POINTS = Number(box.dataset.maxPoints) || 20000;
  var TYPES = { Point: "点(Point)", MultiPoint: "点(MultiPoint)", Polygon: "面(Polygon)",
                MultiPolygon: "面(MultiPolygon)", GeometryCollection: "几何集合(GeometryCollection)" };

  var lines = [];        // each a list of [lon, lat]
  var gm = null;         // { map, control, barriers, villageBounds } once the map has loaded
  var layer = null;      // the lines on the map
  var draft = null;      // the line being drawn: { points, line, rubber, marks }
  var svg = L.svg();     // not the map's canvas: each line is an element one can point at

  function say(text, ok) {
    message.textContent = text || "";
    message.className = ok ? "ok-text" : "error-text";
    message.hidden = !text;
  }
  function fail(text) { throw new Error(text); }
  function round(x) { return Math.round(x * 1e7) / 1e7; }  // ~1 cm, as the server keeps them
  function latlngs(points) { return points.map(function (p) { return [p[1], p[0]]; }); }
  function pointCount(ls) { return ls.reduce(function (n, l) { return n + l.length; }, 0); }

  // GeoJSON → lines. LineString, MultiLineString (one line each), a Feature or FeatureCollection
  // of those, or a list of any of these; anything else fails with a message saying what it is.
  function linesOf(data) {
    var out = [];
    function positions(coords, where) {
      if (!Array.isArray(coords) || coords.length < 2) fail(where + "的线少于两个点");
      return coords.map(function (p) {
        if (!Array.isArray(p) || typeof p[0] !== "number" || typeof p[1] !== "number" ||
            !isFinite(p[0]) || !isFinite(p[1])) fail(where + "的坐标不是数字");
        if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
          fail(where + "的坐标不是经纬度(须为 WGS-84 经纬度)");
        }
        return [round(p[0]), round(p[1])];
      });
    }
    function geometry(g, where) {
      if (!g || typeof g !== "object") fail(where + "没有几何图形");
      if (g.type === "LineString") {
        out.push(positions(g.coordinates, where));
      } else if (g.type === "MultiLineString" && Array.isArray(g.coordinates)) {
        g.coordinates.forEach(function (c) { out.push(positions(c, where)); });
      } else {
        fail(where + "是" + (TYPES[g.type] || String(g.type || "未知类型")) +
             ",只能使用线(LineString、MultiLineString)");
      }
    }
    function item(x, where) {
      if (x && x.type === "FeatureCollection") {
        if (!Array.isArray(x.features)) fail(where + "缺少要素(features)");
        x.features.forEach(function (f, i) { item(f, "第" + (i + 1) + "个要素"); });
      } else if (x && x.type === "Feature") {
        geometry(x.geometry, where);
      } else {
        geometry(x, where);
      }
    }
    if (Array.isArray(data)) data.forEach(function (x, i) { item(x, "第" + (i + 1) + "项"); });
    else item(data, "文件中的图形");
    return out;
  }

  function render() {
    list.innerHTML = "";
    if (layer) layer.clearLayers();
    lines.forEach(function (points, i) {
      var drawn = null;
      if (layer) {
        drawn = L.polyline(latlngs(points),
                           L.extend(window.wanggeBarrierOptions(svg), { interactive: false }))
          .addTo(layer);
        // The number at the line's first point (its middle may be another line's crossing).
        L.tooltip({ permanent: true, direction: "center", className: "barrier-number" })
          .setLatLng(latlngs(points)[0]).setContent(String(i + 1)).addTo(layer);
      }
      var li = document.createElement("li");
      var text = document.createElement("span");
      text.textContent = "第" + (i + 1) + "条 · " + points.length + "个点";
      var del = document.createElement("button");
      del.type = "button";
      del.className = "link-button";
      del.textContent = "删除";
      del.setAttribute("aria-label", "删除第" + (i + 1) + "条阻隔线");
      del.addEventListener("click", function () { lines.splice(i, 1); say(""); render(); });
      // Pointing at a row shows which line it is.
      li.addEventListener("mouseenter", function () { if (drawn) drawn.setStyle({ color: "#ff8f00" }); });
      li.addEventListener("mouseleave", function () { if (drawn) drawn.setStyle({ color: "#1565c0" }); });
      li.appendChild(text);
      li.appendChild(del);
      list.appendChild(li);
    });
    input.value = JSON.stringify(lines.map(function (points) {
      return { type: "LineString", coordinates: points };
    }));
    $("barrier-empty").hidden = lines.length > 0;
    buttons.clear.hidden = !lines.length || !!draft;
    if (source && !lines.length) source.hidden = true;
    el.dataset.drawn = String(lines.length);
  }

  // Drawing: each click on the map adds a point; a double-click or 完成这条线 ends the line.
  function showTools(drawing) {
    buttons.draw.hidden = drawing;
    buttons.finish.hidden = buttons.undo.hidden = buttons.cancel.hidden = !drawing;
    buttons.clear.hidden = drawing || !lines.length;
    hint.hidden = !drawing;
    el.classList.toggle("drawing", drawing);
  }
  function redrawDraft(mouse) {
    var pts = latlngs(draft.points);
    draft.line.setLatLngs(pts);
    draft.rubber.setLatLngs(mouse && pts.length ? [pts[pts.length - 1], mouse] : []);
    draft.marks.clearLayers();
    pts.forEach(function (ll) {
      L.circleMarker(ll, { radius: 4, weight: 2, color: "#1565c0", fillColor: "#fff",
                           fillOpacity: 1, interactive: false, renderer: svg }).addTo(draft.marks);
    });
    hint.textContent = draft.points.length
      ? "已点 " + draft.points.length + " 个点。继续点击;双击或点“完成这条线”结束,按 Esc 取消。"
      : "在地图上依次点击河流或道路经过的位置;双击或点“完成这条线”结束,按 Esc 取消。";
  }
  function onClick(e) {
    if (!draft) return;
    var last = draft.points[draft.points.length - 1];
    // The second click of a double-click lands on the last point: it ends the line, adds nothing.
    if (last && gm.map.latLngToContainerPoint([last[1], last[0]]).distanceTo(e.containerPoint) < 5) {
      return;
    }
    draft.points.push([round(e.latlng.lng), round(e.latlng.lat)]);
    redrawDraft(null);
  }
  function onMove(e) { if (draft && draft.points.length) redrawDraft(e.latlng); }
  function onKey(e) { if (e.key === "Escape" && draft) stop(); }
  function start() {
    say("");
    if (lines.length >= MAX) { say("阻隔线最多 " + MAX + " 条"); return; }
    var dashed = L.extend(window.wanggeBarrierOptions(svg), { interactive: false, opacity: 0.6 });
    draft = {
      points: [],
      line: L.polyline([], dashed).addTo(gm.map),
      rubber: L.polyline([], L.extend({}, dashed, { dashArray: "6 6", weight: 3 })).addTo(gm.map),
      marks: L.layerGroup().addTo(gm.map)
    };
    gm.map.doubleClickZoom.disable();
    gm.map.closePopup();
    // preclick reaches the map even where a grid under the pointer would take the click.
    gm.map.on("preclick", onClick).on("dblclick", finish).on("mousemove", onMove);
    document.addEventListener("keydown", onKey);
    showTools(true);
    redrawDraft(null);
  }
  function stop() {
    if (!draft) return;
    gm.map.off("preclick", onClick).off("dblclick", finish).off("mousemove", onMove);
    document.removeEventListener("keydown", onKey);
    [draft.line, draft.rubber, draft.marks].forEach(function (l) { gm.map.removeLayer(l); });
    draft = null;
    gm.map.closePopup();  // popups opened by clicks while drawing were hidden (see app.css)
    // Later, so the double-click that ended the line does not also zoom.
    setTimeout(function () { gm.map.doubleClickZoom.enable(); }, 400);
    showTools(false);
    render();
  }
  function finish() {
    if (!draft) return;
    if (draft.points.length < 2) { say("一条阻隔线至少要点两个点"); return; }
    lines.push(draft.points);
    say("");
    stop();
  }

  // A GeoJSON file, read here: nothing is added unless the whole file is lines.
  function importFile(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var data, found;
      try {
        data = JSON.parse(String(reader.result).replace(/^\uFEFF/, ""));
      } catch (e) {
        say("“" + file.name + "”不是有效的 GeoJSON 文件(JSON 格式错误),未导入。");
        return;
      }
      try {
        found = linesOf(data);
      } catch (e) {
        say("“" + file.name + "”:" + e.message + ",未导入。");
        return;
      }
      // A county's river file has many lines elsewhere: keep those that reach this village.
      var bounds = gm.villageBounds;
      var near = found.filter(function (p) { return bounds.intersects(L.latLngBounds(latlngs(p))); });
      var away = found.length - near.length;
      if (!found.length) { say("“" + file.name + "”中没有线,未导入。"); return; }
      if (!near.length) {
        say("“" + file.name + "”中的线都不在本村(社区)范围内(坐标须为 WGS-84 经纬度),未导入。");
        return;
      }
      if (lines.length + near.length > MAX) {
        say("导入后共 " + (lines.length + near.length) + " 条,超过 " + MAX + " 条的上限,未导入。");
        return;
      }
      if (pointCount(lines) + pointCount(near) > MAX_POINTS) {
        say("导入后阻隔线共 " + (pointCount(lines) + pointCount(near)) + " 个点,超过 " +
            MAX_POINTS + " 个的上限,请简化后再导入。");
        return;
      }
      lines = lines.concat(near);
      render();
      say("已从“" + file.name + "”导入 " + near.length + " 条线" +
          (away ? "(另有 " + away + " 条不在本村范围内,已略过)" : "") + "。", true);
    };
    reader.onerror = function () { say("无法读取“" + file.name + "”,未导入。"); };
    reader.readAsText(file);
  }

  // What the form starts with: the barriers carried from an earlier generation, or what the
  // user sent before a refusal.
  try {
    lines = input.value.trim() ? linesOf(JSON.parse(input.value)) : [];
  } catch (e) {
    lines = [];
    say("之前的阻隔线无法读取,已清空,请重新绘制。");
  }
  render();

  function ready(detail) {
    if (gm) return;
    gm = detail;
    // These lines replace the active generation's on the map: they are the ones that count.
    if (gm.barriers) { gm.map.removeLayer(gm.barriers); gm.control.removeLayer(gm.barriers); }
    layer = L.layerGroup().addTo(gm.map);
    gm.control.addOverlay(layer, "阻隔线");
    render();
    buttons.draw.disabled = false;
  }
  if (el.genmap) ready(el.genmap);
  el.addEventListener("genmap:loaded", function (e) { ready(e.detail); });

  buttons.draw.addEventListener("click", start);
  buttons.finish.addEventListener("click", finish);
  buttons.undo.addEventListener("click", function () {
    if (draft) { draft.points.pop(); redrawDraft(null); }
  });
  buttons.cancel.addEventListener("click", stop);
  buttons.clear.addEventListener("click", function () { lines = []; say(""); render(); });
  $("barrier-file").addEventListener("change", function () {
    var file = this.files && this.files[0];
    this.value = "";  // the same file may be chosen again
    if (!file) return;
    if (!gm) { say("地图尚未加载,请稍后再导入。"); return; }
    importFile(file);
  });
  // Computing while a line is half drawn keeps it if it has two points.
  var form = document.getElementById("compute-form");
  form.addEventListener("submit", function () {
    if (draft && draft.points.length >= 2) finish();
    else stop();
  });
})();
