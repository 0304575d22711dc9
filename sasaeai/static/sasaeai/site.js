// Conveniences every page shares; each page works without them.
(function () {
  "use strict";

  // A keyboard user's focus stays where it was across an in-place swap (a matrix cell toggled,
  // a branch moved): htmx gives focus back to the element with the same id, but a swap that
  // settles while focus has fallen to the page would leave the user at the top. The id focused
  // when the request left is focused again once the new content has settled, unless the user
  // moved on.
  var kept = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    kept = active && active !== document.body && active.id ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var id = kept;
    kept = null;
    if (!id) return;
    var active = document.activeElement;
    if (active && active !== document.body) return;
    var element = document.getElementById(id);
    if (element) element.focus({ preventScroll: true });
  });

  // The message after a change that can be undone stays in view at the foot of the window
  // (the page may open scrolled to the changed row); 「閉じる」 puts it away.
  document.querySelectorAll(".messages.toast .toast-close").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var toast = button.closest(".messages.toast");
      if (toast) toast.remove();
      var main = document.getElementById("main");
      if (main) main.focus({ preventScroll: true });
    });
  });
})();
