/* Shared chart helpers (ECharts). Data arrive in <script type="application/json"> blocks: no inline JS (CSP). */
"use strict";
window.yrd = window.yrd || {};

yrd.PROVINCE_COLOURS = { "310000": "#c0392b", "320000": "#1f6fb2", "330000": "#16a085", "340000": "#d68910" };

yrd.readJson = function (id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
};

/* The page's words for its charts, translated by the server (the #page-text block): scripts hold no text. */
yrd.text = function () {
  return yrd.readJson("page-text") || {};
};

/* Register the YRD boundaries once per page; current ECharts ships no maps. */
yrd.loadMap = async function (url, name) {
  if (echarts.getMap(name)) return echarts.getMap(name).geoJSON;
  const response = await fetch(url, { credentials: "same-origin" });
  const geojson = await response.json();
  echarts.registerMap(name, geojson);
  return geojson;
};

yrd.lineChart = function (el, data, provinces, lang, unit) {
  const chart = echarts.init(el, null, { renderer: "canvas" });
  const series = Object.entries(data.series).map(([code, values]) => ({
    name: provinces[code][lang],  // the provinces come with their "zh" and "en" names
    type: "line", smooth: true, symbolSize: 5, data: values,
    itemStyle: { color: yrd.PROVINCE_COLOURS[code] }, lineStyle: { width: 2 },
  }));
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : `${v} ${unit}`) },
    legend: { bottom: 0 },  // below the plot: the unit over the axis has the top to itself, in any language
    grid: { left: 50, right: 16, top: 32, bottom: 56 },
    xAxis: { type: "category", data: data.years, boundaryGap: false },
    yAxis: { type: "value", name: unit, nameGap: 12, nameTextStyle: { align: "left" },
             splitLine: { lineStyle: { color: "#eee" } } },
    series,
  });
  window.addEventListener("resize", () => chart.resize());
  return chart;
};
