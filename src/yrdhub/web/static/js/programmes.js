/* A jurisdiction's programme view: its yearly budget (approved vs. in application) and its cross-region partners.
   Data come in a JSON block (CSP: no inline scripts). */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = yrd.readJson("jurisdiction-data");
  if (!data) return;
  const text = yrd.text();
  const budgetEl = document.getElementById("budget-chart");
  const budget = echarts.init(budgetEl);
  budget.on("finished", () => { budgetEl.dataset.drawn = String(data.years.length); });
  budget.setOption({
    tooltip: { trigger: "axis", valueFormatter: (v) => `${v} ${text.unit}` },
    legend: { top: 0 },
    grid: { left: 56, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: text.unit },
    series: [
      { name: text.approved, type: "bar", stack: "b", data: data.running, barMaxWidth: 56,
        itemStyle: { color: "#1f6fb2" } },
      { name: text.applied, type: "bar", stack: "b", data: data.applied,
        itemStyle: { color: "#9ecae1" } },
    ],
  });
  const partnerEl = document.getElementById("partner-chart");
  const partners = echarts.init(partnerEl);
  partners.on("finished", () => { partnerEl.dataset.drawn = String(data.partners.length); });
  partners.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 70, right: 24, top: 16, bottom: 28 },
    xAxis: { type: "value", minInterval: 1, name: text.projects },
    yAxis: { type: "category", data: data.partners.map((p) => p.name) },
    series: [{ type: "bar", data: data.partners.map((p) => ({ value: p.count,
      itemStyle: { color: yrd.PROVINCE_COLOURS[p.code] } })), label: { show: true, position: "right" } }],
  });
  window.addEventListener("resize", () => { budget.resize(); partners.resize(); });
});
