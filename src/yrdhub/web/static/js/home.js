/* Home page: map of the 41 cities coloured by 2020 census population; provinces' R&D over time. */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const data = yrd.readJson("home-data");
  const mapEl = document.getElementById("yrd-map");
  const lang = mapEl.dataset.lang;
  const text = yrd.text();
  yrd.lineChart(document.getElementById("rd-chart"), data.rd, data.provinces, lang, text.rd_unit);
  yrd.lineChart(document.getElementById("intensity-chart"), data.intensity, data.provinces, lang, "%");

  const geojson = await yrd.loadMap(mapEl.dataset.geojson, "yrd-cities");
  const values = data.map.map((d) => d.value);
  const chart = echarts.init(mapEl);
  chart.on("finished", () => {
    mapEl.dataset.drawnRegions = String(echarts.getMap("yrd-cities").geoJSON.features.length);
    mapEl.dataset.coloured = String(chart.getOption().series[0].data.length);
  });
  chart.on("click", (params) => {
    if (params.data && params.data.code) window.location.href = `/regions/${params.data.code}`;
  });
  chart.setOption({
    tooltip: {
      trigger: "item",
      formatter: (p) => (p.data ? `${lang === "en" ? p.data.name_en : p.name}<br>${p.value.toLocaleString()} ${text.population_unit}` : p.name),
    },
    visualMap: {
      min: Math.min(...values), max: Math.max(...values), left: 8, bottom: 8, calculable: true,
      text: [text.high, text.low],
      inRange: { color: ["#e8f1fa", "#9ecae1", "#3182bd", "#08306b"] },
    },
    series: [{
      type: "map", map: "yrd-cities", roam: true, nameProperty: "name", data: data.map,
      layoutCenter: ["55%", "50%"], layoutSize: "100%", scaleLimit: { min: 0.8, max: 8 },
      emphasis: { label: { show: true }, itemStyle: { areaColor: "#f39c12" } },
      itemStyle: { borderColor: "#fff", borderWidth: 0.6 },
    }],
  });
  window.addEventListener("resize", () => chart.resize());
  mapEl.dataset.features = String(geojson.features.length);
});
