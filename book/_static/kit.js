// Code panels that mark lines (highlighted rows) open scrolled to the first marked line, so
// a panel showing a long function opens where the chapter's point is (e.g. the eviction
// defaults inside SetDefaults_KubeletConfiguration).
document.addEventListener("DOMContentLoaded", function () {
  for (const box of document.querySelectorAll(".cell_output div, .cell_output pre")) {
    if (box.scrollHeight <= box.clientHeight + 4) continue;
    const mark = box.querySelector("[data-kit-focus], .kit-focus");
    if (mark) box.scrollTop = mark.offsetTop - box.offsetTop - 24;
  }
});
