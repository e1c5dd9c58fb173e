/* Draw every Plotly figure of the page (used by every page with charts, despite its name): a div[data-chart] names the json_script holding its figure.
   Each chart is drawn exactly as wide as its card and follows it (a ResizeObserver), so on a phone
   it never spills out of the card, whatever the order in which scrollbars and fonts settle. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-chart][data-source]").forEach(function (node) {
      const source = document.getElementById(node.dataset.source);
      if (!source) return;
      const figure = JSON.parse(source.textContent);
      let width = node.clientWidth;
      figure.layout.width = width;
      window.Plotly.newPlot(node, figure.data, figure.layout, { displayModeBar: false });
      // A point that carries a page (customdata, a path of ours) opens it: the dashboards' drill-down.
      node.on("plotly_click", function (event) {
        const link = event.points && event.points[0] && event.points[0].customdata;
        if (typeof link === "string" && link.charAt(0) === "/") window.location.assign(link);
      });
      if (window.ResizeObserver) {
        new ResizeObserver(function () {
          if (node.clientWidth && node.clientWidth !== width) {
            width = node.clientWidth;
            window.Plotly.relayout(node, { width: width });
          }
        }).observe(node);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
