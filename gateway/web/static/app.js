// The dashboard's only script: confirm replays, optional auto-refresh of the overview.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("autorefresh");
  if (!box) return;
  box.checked = sessionStorage.getItem("edigw-autorefresh") === "1";
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    if (box.checked) timer = setTimeout(() => window.location.reload(), 30000);
  };
  box.addEventListener("change", () => {
    sessionStorage.setItem("edigw-autorefresh", box.checked ? "1" : "0");
    arm();
  });
  arm();
});
