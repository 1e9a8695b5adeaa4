/* After htmx swaps in an answer (an invitation answered, hours confirmed), the button that had
   the keyboard focus is gone: move the focus to what replaced it, so keyboard and screen reader
   users carry on from there. The list around it is a live region that announces the answer. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.target;
    if (swapped && swapped.hasAttribute && swapped.hasAttribute("data-swap-focus")) {
      swapped.focus();
    }
  });
})();
