// Progressive enhancement only: every action also works without this file.
// - "Reveal media" unblurs in place instead of reloading the page.
// - Keyboard shortcuts: n next case, c confirm, r reject, s skip (not while typing).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-reveal]") : null;
    if (!link) return;
    var card = document.getElementById(link.getAttribute("data-reveal"));
    if (!card) return;
    event.preventDefault();
    card.querySelectorAll("figure.media.blurred").forEach(function (fig) { fig.classList.remove("blurred"); });
    link.remove();
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && t.type !== "radio" && t.type !== "checkbox")) return;
    if (!/^[a-z]$/.test(event.key)) return;
    var el = document.querySelector("[data-key=\"" + event.key + "\"]");
    if (!el) return;
    event.preventDefault();
    if (el.type === "radio") {
      el.checked = true;
      var category = document.getElementById("category");
      var submit = document.getElementById("vote-submit");
      // a confirm needs a category and cited evidence: take the reviewer there first
      var next = el.value === "confirm" && category && !category.value ? category : submit;
      if (next) next.focus();
    } else {
      el.click();
    }
  });
})();
