/* Province page: its R&D expenditure and intensity over time. */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = yrd.readJson("region-data");
  const lang = document.getElementById("region-lang").dataset.lang;
  yrd.lineChart(document.getElementById("rd-chart"), data.rd, data.provinces, lang, yrd.text().rd_unit);
  yrd.lineChart(document.getElementById("intensity-chart"), data.intensity, data.provinces, lang, "%");
});
