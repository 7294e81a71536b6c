// A village's grids on the map: the grids now ("current"), or a grid generation ("new") over
// the grids now ("old", dashed outlines), with the households that would change grid in red.
// Drawn from GeoJSON with no base map needed; canvas for the household dots.
(function () {
  var el = document.getElementById("genmap");
  if (!el || !window.L) return;
  var palette = ["#e57373", "#64b5f6", "#81c784", "#ffb74d", "#ba68c8", "#4db6ac",
                 "#f06292", "#aed581", "#7986cb", "#ffd54f", "#4dd0e1", "#a1887f"];
  var map = L.map(el, { zoomSnap: 0.25, preferCanvas: true });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  map.attributionControl.setPrefix("网格由住户位置自动划分;镇村边界为合成");

  // One look for barrier lines wherever they are drawn (barrier_draw.js uses it too); the
  // renderer and class are creation options, so they go with the style, not in setStyle.
  function barrierOptions(renderer) {
    return { color: "#1565c0", weight: 5, opacity: 0.85, lineCap: "round", lineJoin: "round",
             className: "barrier-line", renderer: renderer };
  }
  window.wanggeBarrierOptions = barrierOptions;

  function of(fc, role) {
    return fc.features.filter(function (f) { return f.properties.role === role && f.geometry; });
  }
  function label(layer, text, many) {
    layer.bindTooltip(text, { permanent: !many, direction: "center", className: "map-label" });
  }

  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (fc) {
      var overlays = {};
      var village = L.geoJSON(of(fc, "village"), {
        interactive: false, style: { color: "#962d22", weight: 3, fill: false }
      });
      var grids = of(fc, "current").concat(of(fc, "new"));
      var many = grids.length > 60;
      var i = 0;
      var gridLayer = L.geoJSON(grids, {
        style: function () {
          return { color: "#444", weight: 1.2, fillColor: palette[i++ % palette.length],
                   fillOpacity: 0.35 };
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          label(lyr, p.label + (p.households != null ? " · " + p.households + "户" : ""), many);
          var lines = [p.code, p.households + " 户"];
          if (p.moved_in) lines.push("迁入 " + p.moved_in + " 户");
          if (p.continues) lines.push("接续 " + p.continues.slice(-3));
          lyr.bindPopup(lines.join("<br>"));
        }
      }).addTo(map);
      var old = of(fc, "old");
      overlays[old.length ? "新网格" : "网格"] = gridLayer;
      if (old.length) {
        overlays["现有网格边界"] = L.geoJSON(old, {
          interactive: false,
          style: { color: "#1f2933", weight: 2, dashArray: "6 5", fill: false }
        }).addTo(map);
      }
      var kept = of(fc, "kept");
      if (kept.length) {
        overlays["不变的住户"] = L.geoJSON(kept, {
          pointToLayer: function (f, ll) {
            return L.circleMarker(ll, { radius: 2, weight: 0, fillColor: "#555", fillOpacity: 0.6,
                                        interactive: false });
          }
        }).addTo(map);
      }
      var moved = of(fc, "moved");
      if (moved.length) {
        // SVG, not canvas, for the few that matter: each is an element one can point at.
        var svg = L.svg();
        overlays["需换网格的住户"] = L.geoJSON(moved, {
          pointToLayer: function (f, ll) {
            var p = f.properties;
            return L.circleMarker(ll, { radius: 5, weight: 1, color: "#fff", fillColor: "#d62728",
                                        fillOpacity: 0.95, renderer: svg })
              .bindTooltip("户 " + p.number + ":" + p.old.slice(-3) + " → " + p.new.slice(-3));
          }
        }).addTo(map);
      }
      var barriers = of(fc, "barrier");
      var barrierLayer = null;
      if (barriers.length) {
        // Lines no grid may cross (rivers, main roads). SVG, so each line is an element.
        barrierLayer = L.geoJSON(barriers, L.extend(barrierOptions(L.svg()), {
          onEachFeature: function (f, lyr) {
            lyr.bindTooltip("阻隔线 第" + f.properties.number + "条", { sticky: true });
          }
        })).addTo(map);
        overlays["阻隔线"] = barrierLayer;
      }
      village.addTo(map);
      var control = L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      map.fitBounds(village.getBounds(), { padding: [10, 10] });
      el.dataset.loaded = String(fc.features.length);
      el.dataset.moved = String(moved.length);
      el.dataset.barriers = String(barriers.length);
      // For the barrier drawing tool (barrier_draw.js), which works on this map.
      el.genmap = { map: map, control: control, barriers: barrierLayer,
                    villageBounds: village.getBounds() };
      el.dispatchEvent(new CustomEvent("genmap:loaded", { detail: el.genmap }));
    })
    .catch(function (e) {
      el.innerHTML = '<p class="error-text" style="padding:1rem">地图加载失败(' + e.message + '),请刷新重试。</p>';
    });

  // Size presets on the compute form.
  document.querySelectorAll("button.preset").forEach(function (b) {
    b.addEventListener("click", function () {
      document.getElementById("id_min").value = b.dataset.min;
      document.getElementById("id_max").value = b.dataset.max;
      document.getElementById("id_measure").value = "households";
    });
  });
  var form = document.getElementById("compute-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("compute-button");
      button.disabled = true;
      button.textContent = "正在计算,请稍候…";
    });
  }
})();
