// A code panel that shows a long function (the display helpers' side-by-side "Go" column)
// opens scrolled to the first line a note on the same page is about -- so the panel of
// SetDefaults_KubeletConfiguration opens at the eviction defaults, not at the function's
// first line.  The panel's header links to "<file>#L<start>-L<end>"; the notes link to
// single lines "<file>#L<n>".
document.addEventListener("DOMContentLoaded", function () {
  const noted = {};
  for (const a of document.querySelectorAll(".cell_output a[href*='#L']")) {
    const m = a.href.match(/^(.*)#L(\d+)$/);
    if (m) (noted[m[1]] = noted[m[1]] || []).push(Number(m[2]));
  }
  for (const box of document.querySelectorAll(".cell_output div[style*='overflow']")) {
    const pre = box.querySelector("pre");
    const header = box.previousElementSibling;
    const link = header && header.querySelector("a[href*='#L']");
    if (!pre || !link || box.scrollHeight <= box.clientHeight + 4) continue;
    const m = link.href.match(/^(.*)#L(\d+)-L(\d+)$/);
    if (!m) continue;
    const [start, end] = [Number(m[2]), Number(m[3])];
    const inside = (noted[m[1]] || []).filter((n) => n > start && n <= end).sort((a, b) => a - b);
    if (!inside.length) continue;
    const lineHeight = pre.scrollHeight / (end - start + 1);
    box.scrollTop = Math.max(0, (inside[0] - start - 2) * lineHeight);
    box.dataset.kitOpenedAt = String(inside[0]);
  }
});

// Call graphs: shrink a wide graph to fit the column, but never below 3/4 of its drawn size
// (node text stays >= 10 px); wider still, it scrolls in its box.
document.addEventListener("DOMContentLoaded", function () {
  for (const svg of document.querySelectorAll(".kit-graph svg")) {
    const width = parseFloat(svg.getAttribute("width")) * 4 / 3; // graphviz sizes in pt
    const box = svg.closest(".kit-graph");
    if (!width || !box) continue;
    const scale = Math.max(0.75, Math.min(1, box.clientWidth / width));
    svg.style.width = width * scale + "px";
  }
});
