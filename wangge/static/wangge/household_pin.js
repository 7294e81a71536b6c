// A household's position on a small map (no tiles needed).
(function () {
  var el = document.getElementById("pin");
  if (!el || !window.L) return;
  var colours = { red: "#c0392b", yellow: "#e0a800", green: "#2e8b57" };
  var ll = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el).setView(ll, 16);
  map.attributionControl.setPrefix("");
  L.circleMarker(ll, { radius: 9, color: "#333", weight: 1, fillOpacity: 0.9,
                       fillColor: colours[el.dataset.colour] || "#888" }).addTo(map);
})();
