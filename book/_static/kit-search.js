// Symbol search over window.KIT_SYMBOLS ([short name, go/ssa name, url from the html root]).
(function () {
  const input = document.getElementById("kit-search-input");
  const list = document.getElementById("kit-search-results");
  if (!input || !list || !window.KIT_SYMBOLS) return;
  const root = document.documentElement.dataset.content_root || "../../";
  input.addEventListener("input", function () {
    const q = input.value.trim().toLowerCase();
    list.textContent = "";
    if (q.length < 2) return;
    const hits = window.KIT_SYMBOLS.filter((s) => s[1].toLowerCase().includes(q)).slice(0, 60);
    for (const [short, full, url] of hits) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = root + url;
      a.textContent = short;
      a.title = full;
      const small = document.createElement("small");
      small.textContent = "  " + full;
      li.append(a, small);
      list.append(li);
    }
  });
})();
