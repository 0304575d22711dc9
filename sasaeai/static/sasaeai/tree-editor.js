// The 体系 editor's drag and drop (plans/tree/): drop a row on the upper half of another row to
// put it before that row, on the lower half to put it after. It posts the same move endpoint as
// the buttons (parent + position) and swaps the tree in place with htmx. Keyboard users use the
// ↑ ↓ 字下げ 字上げ buttons, which work without this script.
(function () {
  "use strict";
  var dragged = null;

  function row(target) {
    return target && target.closest ? target.closest("li.tree-row") : null;
  }
  function clearMarks() {
    document.querySelectorAll(".drop-before, .drop-after, .dragging").forEach(function (el) {
      el.classList.remove("drop-before", "drop-after", "dragging");
    });
  }
  function lowerHalf(event, li) {
    var box = li.querySelector(".tree-line").getBoundingClientRect();
    return event.clientY > box.top + box.height / 2;
  }

  document.addEventListener("dragstart", function (event) {
    var li = row(event.target);
    if (!li || !li.closest("#tree-editor")) return;
    dragged = li;
    li.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", li.dataset.pk);
    event.stopPropagation();
  });

  document.addEventListener("dragover", function (event) {
    var li = row(event.target);
    if (!dragged || !li || li === dragged || dragged.contains(li)) return;
    event.preventDefault();
    event.stopPropagation();
    document.querySelectorAll(".drop-before, .drop-after").forEach(function (el) {
      el.classList.remove("drop-before", "drop-after");
    });
    li.classList.add(lowerHalf(event, li) ? "drop-after" : "drop-before");
  });

  document.addEventListener("dragend", clearMarks);

  document.addEventListener("drop", function (event) {
    var li = row(event.target);
    if (!dragged || !li || li === dragged || dragged.contains(li)) return;
    event.preventDefault();
    var list = li.parentElement;
    var group = Array.prototype.filter.call(list.children, function (el) {
      return el.matches("li.tree-row") && el !== dragged;
    });
    var position = group.indexOf(li) + (lowerHalf(event, li) ? 1 : 0);
    var editor = document.getElementById("tree-editor");
    var url = editor.dataset.moveUrl.replace(/\/0\/move\/$/, "/" + dragged.dataset.pk + "/move/");
    var token = editor.querySelector("input[name=csrfmiddlewaretoken]");
    clearMarks();
    dragged = null;
    window.htmx.ajax("POST", url, {
      target: "#tree-editor", swap: "outerHTML",
      values: { parent: list.dataset.parent || "", position: String(position),
                csrfmiddlewaretoken: token ? token.value : "" },
    });
  });
})();
