/* A jurisdiction's programme view: its yearly budget (approved vs. in application) and its cross-region partners.
   Data come in a JSON block (CSP: no inline scripts). */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = yrd.readJson("jurisdiction-data");
  if (!data) return;
  const en = data.lang === "en";
  const budgetEl = document.getElementById("budget-chart");
  const budget = echarts.init(budgetEl);
  budget.on("finished", () => { budgetEl.dataset.drawn = String(data.years.length); });
  budget.setOption({
    tooltip: { trigger: "axis", valueFormatter: (v) => `${v} ${en ? "×10k yuan" : "万元"}` },
    legend: { top: 0 },
    grid: { left: 56, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: en ? "×10k yuan" : "万元" },
    series: [
      { name: en ? "Approved (committed)" : "已立项（承诺）", type: "bar", stack: "b", data: data.running, barMaxWidth: 56,
        itemStyle: { color: "#1f6fb2" } },
      { name: en ? "In application" : "申请中", type: "bar", stack: "b", data: data.applied,
        itemStyle: { color: "#9ecae1" } },
    ],
  });
  const partnerEl = document.getElementById("partner-chart");
  const partners = echarts.init(partnerEl);
  partners.on("finished", () => { partnerEl.dataset.drawn = String(data.partners.length); });
  partners.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 70, right: 24, top: 16, bottom: 28 },
    xAxis: { type: "value", minInterval: 1, name: en ? "projects" : "项目数" },
    yAxis: { type: "category", data: data.partners.map((p) => p.name) },
    series: [{ type: "bar", data: data.partners.map((p) => ({ value: p.count,
      itemStyle: { color: yrd.PROVINCE_COLOURS[p.code] } })), label: { show: true, position: "right" } }],
  });
  window.addEventListener("resize", () => { budget.resize(); partners.resize(); });
});
