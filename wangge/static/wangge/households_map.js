// Households of an area as dots by colour over the area's outline.
(function () {
  var el = document.getElementById("hhmap");
  if (!el || !window.L) return;
  var colours = { red: "#c0392b", yellow: "#e0a800", green: "#2e8b57" };
  var map = L.map(el, { zoomSnap: 0.25, preferCanvas: true });
  map.attributionControl.setPrefix("镇村与网格边界为合成");
  var get = function (url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status); return r.json();
    });
  };
  Promise.all([get(el.dataset.outline), get(el.dataset.points)]).then(function (res) {
    var outline = L.geoJSON(res[0], { interactive: false,
      style: function (f) {
        return f.properties.role === "self" ? { color: "#962d22", weight: 3, fill: false }
                                            : { color: "#777", weight: 1, fill: false };
      } }).addTo(map);
    L.geoJSON(res[1], {
      pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 4, weight: 0.5, color: "#333", fillOpacity: 0.9,
                                    fillColor: colours[f.properties.colour] || "#888" })
          .on("click", function () { window.location.href = "/households/" + f.properties.number + "/"; });
      }
    }).addTo(map);
    map.fitBounds(outline.getBounds(), { padding: [10, 10] });
    el.dataset.loaded = String(res[1].features.length);
  }).catch(function (e) {
    el.innerHTML = '<p class="error-text" style="padding:1rem">地图加载失败(' + e.message + ')</p>';
  });
})();
