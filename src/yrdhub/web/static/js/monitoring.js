/* Monitoring dashboard: trend per indicator, province map of the latest year, radar profiles. */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const data = yrd.readJson("monitoring-data");
  const radarEl = document.getElementById("radar-chart");
  const lang = radarEl.dataset.lang;
  const codes = Object.keys(data.provinces);
  const label = (code) => data.provinces[code].label;  // the page's language, decided by the server
  const byFeature = Object.fromEntries(codes.map((c) => [data.provinces[c].feature, data.provinces[c].label]));
  const byIndicator = {};
  for (const [region, period, indicator, value] of data.values) {
    ((byIndicator[indicator] ||= {})[region] ||= {})[period] = value;
  }
  const years = [...new Set(data.values.map((v) => v[1]))].sort();
  // The latest year every jurisdiction has accepted data for (a year only some have submitted is not comparable).
  const complete = years.filter((y) => codes.every((c) => data.values.some((v) => v[0] === c && v[1] === y)));
  const latest = data.period || complete[complete.length - 1];
  const focus = data.region;  // a chosen jurisdiction is drawn strong, the others faint
  const toolbox = { feature: { saveAsImage: { title: data.labels.save, pixelRatio: 2 } }, right: 8 };

  const trend = echarts.init(document.getElementById("trend-chart"));
  const geojson = await yrd.loadMap(document.getElementById("province-map").dataset.geojson, "yrd-provinces");
  const map = echarts.init(document.getElementById("province-map"));
  const select = document.getElementById("indicator-select");
  const draw = () => {
    const code = select.value;
    const meta = data.indicators.find((i) => i.code === code);
    const series = byIndicator[code] || {};
    trend.setOption({
      toolbox, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 50, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: years, boundaryGap: false },
      yAxis: { type: "value", name: meta.unit, scale: true },
      series: codes.map((c) => ({ name: label(c), type: "line", smooth: true, symbolSize: 5,
        lineStyle: { width: focus === c ? 3.5 : 2, opacity: focus && focus !== c ? 0.25 : 1 },
        itemStyle: { color: yrd.PROVINCE_COLOURS[c], opacity: focus && focus !== c ? 0.25 : 1 },
        data: years.map((y) => (series[c] || {})[y] ?? null) }))
        .concat((data.national[code] || []).length ? [{
          name: data.labels.national, type: "line", symbol: "none",
          lineStyle: { type: "dashed", color: "#777", width: 1.5 }, itemStyle: { color: "#777" },
          data: years.map((y) => { const p = data.national[code].find((n) => n[0] === y); return p ? p[1] : null; }),
        }] : []),
    }, true);
    const mapData = codes.map((c) => ({ name: data.provinces[c].feature, value: (series[c] || {})[latest] ?? null }));
    const vals = mapData.map((d) => d.value).filter((v) => v != null);
    map.setOption({
      toolbox, tooltip: { trigger: "item", formatter: (p) => `${byFeature[p.name] || p.name}<br>${p.value == null ? "—" : p.value.toFixed(2)} ${meta.unit}` },
      visualMap: { min: Math.min(...vals), max: Math.max(...vals), left: 8, bottom: 8, calculable: true,
        inRange: { color: ["#e8f1fa", "#3182bd", "#08306b"] }, text: [String(latest), ""] },
      series: [{ type: "map", map: "yrd-provinces", nameProperty: "name", data: mapData,
        layoutCenter: ["55%", "50%"], layoutSize: "95%", itemStyle: { borderColor: "#fff" },
        label: { show: true, fontSize: 11, formatter: (p) => byFeature[p.name] || p.name } }],
    }, true);
  };
  select.addEventListener("change", draw);
  draw();

  // Radar: each indicator min-max scaled across the four jurisdictions in the latest year.
  const indicators = data.indicators.filter((i) => codes.every((c) => ((byIndicator[i.code] || {})[c] || {})[latest] != null));
  const scaled = (i, c) => {
    const vals = codes.map((k) => byIndicator[i.code][k][latest]);
    const lo = Math.min(...vals), hi = Math.max(...vals);
    return hi > lo ? Math.round(((byIndicator[i.code][c][latest] - lo) / (hi - lo)) * 100) : 50;
  };
  const wrap = (text, width) => {
    const lines = [];
    if (lang === "en") {
      let line = "";
      for (const word of text.split(" ")) {
        if ((line + " " + word).trim().length > width && line) { lines.push(line); line = word; } else { line = (line + " " + word).trim(); }
      }
      lines.push(line);
    } else {
      for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
    }
    return lines.join("\n");
  };
  if (data.evaluation) drawEvaluation(data, label, lang, toolbox);
  const radar = echarts.init(radarEl);
  radar.setOption({
    toolbox, tooltip: {}, legend: { bottom: 0 },
    radar: { radius: "58%", center: ["50%", "50%"],
      indicator: indicators.map((i) => ({ name: i.name, max: 100 })),
      axisName: { color: "#333", fontSize: 11, formatter: (name) => wrap(name, lang === "en" ? 18 : 8) } },
    series: [{ type: "radar", data: codes.map((c) => ({ name: label(c), value: indicators.map((i) => scaled(i, c)),
      itemStyle: { color: yrd.PROVINCE_COLOURS[c] }, areaStyle: { opacity: 0.08 } })) }],
  });
  radarEl.dataset.indicators = String(indicators.length);
  window.addEventListener("resize", () => { trend.resize(); map.resize(); radar.resize(); });
  document.getElementById("province-map").dataset.features = String(geojson.features.length);
});

function drawEvaluation(data, label, lang, toolbox) {
  const ev = data.evaluation;
  const units = [...new Set(ev.scores.map((r) => r[0]))];
  const years = [...new Set(ev.scores.map((r) => r[1]))].sort();
  const name = (u) => (u === "YRD" ? data.labels.YRD : label(u));
  const index = echarts.init(document.getElementById("index-chart"));
  index.setOption({
    toolbox, tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v.toFixed(1)) }, legend: { top: 0 },
    grid: { left: 50, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: years, boundaryGap: false }, yAxis: { type: "value" },
    series: units.map((u) => ({
      name: name(u), type: "line", smooth: true, symbolSize: u === "YRD" ? 7 : 4,
      lineStyle: { width: u === "YRD" ? 3 : 1.5, type: u === "YRD" ? "solid" : "solid" },
      itemStyle: { color: u === "YRD" ? "#222" : yrd.PROVINCE_COLOURS[u] },
      data: years.map((y) => { const r = ev.scores.find((s) => s[0] === u && s[1] === y); return r ? r[2] : null; }),
      markLine: u === "YRD" ? { silent: true, symbol: "none", data: [{ yAxis: 100 }], lineStyle: { color: "#999", type: "dashed" } } : undefined,
    })),
  });
  const provinces = Object.keys(data.provinces);
  const indicators = data.indicators;
  const contribution = echarts.init(document.getElementById("contribution-chart"));
  contribution.setOption({
    toolbox, tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => (v * 100).toFixed(1) + "%" },
    legend: { type: "scroll", bottom: 0 }, grid: { left: 60, right: 16, top: 24, bottom: 60 },
    xAxis: { type: "value", max: 1, axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
    yAxis: { type: "category", data: provinces.map(label) },
    series: indicators.map((i) => ({ name: i.name, type: "bar", stack: "c",
      data: provinces.map((p) => (ev.contributions[p] || {})[i.code] ?? 0) })),
  });
  document.getElementById("index-chart").dataset.units = String(units.length);
}
