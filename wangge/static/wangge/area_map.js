// The area map: the area's own boundary and its children, drawn from
// GeoJSON with no base map needed (mountain offices often have no internet).
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var palette = ["#e57373", "#64b5f6", "#81c784", "#ffb74d", "#ba68c8", "#4db6ac",
                 "#f06292", "#aed581", "#7986cb", "#ffd54f", "#4dd0e1", "#a1887f"];
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
  }
  map.attributionControl.setPrefix("边界:Vonng/adcode (CC BY 4.0);镇村与网格边界为合成");
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (fc) {
      var own = fc.features.filter(function (f) { return f.properties.role === "self"; });
      var children = fc.features.filter(function (f) { return f.properties.role === "child"; });
      var outline = L.geoJSON(own, {
        interactive: false, style: { color: "#962d22", weight: 3, fill: false }
      });
      var childIndex = 0;
      var layer = L.geoJSON(children, {
        style: function () {
          var c = palette[childIndex++ % palette.length];
          return { color: "#555", weight: 1, fillColor: c, fillOpacity: 0.45 };
        },
        onEachFeature: function (f, lyr) {
          lyr.bindTooltip(f.properties.name, {
            permanent: children.length <= 60, direction: "center", className: "map-label"
          });
          lyr.on("click", function () { window.location.href = "/areas/" + f.properties.code + "/"; });
          lyr.on("mouseover", function () { lyr.setStyle({ fillOpacity: 0.75 }); });
          lyr.on("mouseout", function () { lyr.setStyle({ fillOpacity: 0.45 }); });
        }
      }).addTo(map);
      outline.addTo(map);
      map.fitBounds(outline.getBounds(), { padding: [10, 10] });
      el.dataset.loaded = String(fc.features.length);
    })
    .catch(function (e) {
      el.innerHTML = '<p class="error-text" style="padding:1rem">地图加载失败(' + e.message + '),请刷新重试。</p>';
    });
})();
