/* Province page: its R&D expenditure and intensity over time. */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = yrd.readJson("region-data");
  const lang = document.getElementById("region-lang").dataset.lang;
  yrd.lineChart(document.getElementById("rd-chart"), data.rd, data.provinces, lang, lang === "en" ? "100m yuan" : "亿元");
  yrd.lineChart(document.getElementById("intensity-chart"), data.intensity, data.provinces, lang, "%");
});
