/* The helpper's map of requests near them. An enhancement only: the list on the page holds the
   same requests, and the map stays hidden without JavaScript or Leaflet. Points arrive already
   blurred (about 500 m) from a json_script block; nothing here knows an exact address. */
(function () {
  "use strict";

  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.title;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(point.area + (point.distance ? " · " + point.distance : "")));
    return box;
  }

  function init() {
    var element = document.getElementById("near-map");
    if (!element || typeof window.L === "undefined") {
      return;
    }
    var source = document.getElementById(element.dataset.points);
    var points = source ? JSON.parse(source.textContent) : [];
    var home = [parseFloat(element.dataset.homeLat), parseFloat(element.dataset.homeLng)];
    element.hidden = false;

    // Leaflet's own zoom buttons are titled in English: ours carry the page's language.
    var map = window.L.map(element, { scrollWheelZoom: false, zoomControl: false });
    window.L.control
      .zoom({
        zoomInTitle: element.dataset.zoomIn || "+",
        zoomOutTitle: element.dataset.zoomOut || "-",
      })
      .addTo(map);
    window.L.tileLayer(element.dataset.tilesUrl, {
      attribution: element.dataset.tilesAttribution,
      maxZoom: 17,
    }).addTo(map);

    var reach = window.L.circle(home, {
      radius: parseInt(element.dataset.homeRadius, 10) || 5000,
      color: "#4a4a4a",
      weight: 1,
      fill: false,
    }).addTo(map);
    reach.bindTooltip(element.dataset.homeLabel);

    var bounds = [home];
    points.forEach(function (point) {
      var where = [point.lat, point.lng];
      window.L.circleMarker(where, {
        radius: 10,
        color: "#083f77",
        weight: 2,
        fillColor: "#0b5cad",
        fillOpacity: 0.55,
      })
        .bindPopup(popup(point))
        .addTo(map);
      bounds.push(where);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
    } else {
      map.setView(home, 12);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
