/* The registry's map: each facility a point at its city's seat (the points of one city spread around it),
   coloured by kind; the legend shows and hides kinds, a click opens the facility. Words come from #page-text. */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("facility-map");
  if (!el) return;
  const data = yrd.readJson("facility-data");
  const text = yrd.text();
  const esc = (s) => echarts.format.encodeHTML(String(s == null ? "" : s));

  const byCity = {};
  data.points.forEach((p) => { (byCity[p.value.join(",")] = byCity[p.value.join(",")] || []).push(p); });
  Object.values(byCity).forEach((group) => {
    if (group.length < 2) return;
    const radius = 0.1 + 0.025 * group.length;  // degrees: apart at the map's first zoom, still near the seat
    group.forEach((p, i) => {
      const angle = (2 * Math.PI * i) / group.length - Math.PI / 2;
      p.value = [p.value[0] + radius * Math.cos(angle), p.value[1] + radius * Math.sin(angle)];
    });
  });

  await yrd.loadMap(el.dataset.geojson, "yrd-cities");
  const chart = echarts.init(el, null, { renderer: "canvas" });
  const series = data.kinds.map((kind) => ({
    name: text.kinds[kind], type: "scatter", coordinateSystem: "geo", symbolSize: 12,
    itemStyle: { color: data.colours[kind], borderColor: "#fff", borderWidth: 1.2 },
    emphasis: { scale: 1.4 },
    data: data.points.filter((p) => p.kind === kind).map((p) => ({ ...p, value: p.value })),
  }));
  chart.on("finished", () => {
    el.dataset.points = String(series.reduce((n, s) => n + s.data.length, 0));
    el.dataset.legend = JSON.stringify(chart.getOption().legend[0].data);
  });
  chart.on("click", (p) => {
    if (p.data && p.data.key) window.location.href = `/resources/facilities/${encodeURIComponent(p.data.key)}`;
  });
  chart.setOption({
    tooltip: {
      trigger: "item",
      formatter: (p) => {
        if (!p.data || !p.data.key) return "";
        const stage = p.data.status
          ? esc(text.stages[p.data.status]) + (p.data.as_of ? ` (${esc(p.data.as_of)})` : "")
          : esc(text.not_sourced);
        return `<b>${esc(p.data.name)}</b><br>${esc(p.seriesName)}<br>${esc(text.city)}: ${esc(p.data.city)}`
          + `<br>${esc(text.stage)}: ${stage}`;
      },
    },
    legend: { bottom: 0, left: "center", itemWidth: 12, itemHeight: 12, icon: "circle",
              data: series.map((s) => s.name) },  // wraps onto more rows on a narrow screen
    geo: {
      map: "yrd-cities", roam: true, nameProperty: "name", top: 8, bottom: el.clientWidth < 600 ? 110 : 56,
      scaleLimit: { min: 0.8, max: 8 }, silent: true,
      itemStyle: { areaColor: "#eef3f8", borderColor: "#fff", borderWidth: 0.8 },
    },
    series,
  });
  window.addEventListener("resize", () => chart.resize());
});
