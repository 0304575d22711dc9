// わたしの作業 and the report pages: conveniences over pages that work without them. Copy last
// year's text into a field (the draft is then saved as if typed), tick every card of a list at
// once, and count the characters of a limited field.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-to], label.pick-all").forEach(function (el) {
    el.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-to]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copyTo);
    var source = document.getElementById(button.dataset.copyFrom);
    if (!field || !source) return;
    field.value = source.textContent;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });
  document.addEventListener("change", function (event) {
    var all = event.target.closest("input[data-select-all]");
    if (!all) return;
    document.querySelectorAll('input[form="' + all.dataset.selectAll + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
  // Each limited text field counts its characters under it (「1,234／2,000字」), and says so
  // when the text is over: the server refuses it whole, keeping it on the page.
  function count(field) {
    var limit = parseInt(field.dataset.maxChars, 10);
    var help = field.parentElement.querySelector(".help");
    if (!help || !limit) return;
    var length = Array.from(field.value).length;
    help.textContent = length.toLocaleString("ja-JP") + "／" + limit.toLocaleString("ja-JP") + "字" +
      (length > limit ? "（" + (length - limit).toLocaleString("ja-JP") + "字多すぎます）" : "");
    help.classList.toggle("over", length > limit);
  }
  document.querySelectorAll("[data-max-chars]").forEach(count);
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-max-chars]")) count(event.target);
  });
  // A card handed in or saved by htmx is new HTML: show its copy buttons too.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    event.detail.target.querySelectorAll("button[data-copy-to]").forEach(function (el) {
      el.hidden = false;
    });
    event.detail.target.querySelectorAll("[data-max-chars]").forEach(count);
  });
})();
