// A household's page: its position on a small map (no tiles needed), and a form opened by the link that points at it.
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

// Arriving from a change request's "到本户核对" link: open the relations form.
(function () {
  var box = location.hash && document.getElementById(location.hash.slice(1));
  if (box && box.tagName === "DETAILS") box.open = true;
})();
