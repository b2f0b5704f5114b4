/*
 * "Copy link" on a review (templates/reviews/_share.html). Without this file it is a plain link
 * to the review; with it, a button that puts the review's address on the clipboard and says so
 * in the status line beside it. Browsers without the asynchronous clipboard (or a page not
 * served over HTTPS, where it is switched off) keep the link.
 */
(function () {
  "use strict";

  var link = document.querySelector("[data-share-copy]");
  if (!link || !navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var status = link.closest(".share") && link.closest(".share").querySelector(".share-status");
  var url = link.href;
  var timer = null;

  function say(message) {
    if (!status) {
      return;
    }
    status.textContent = message;
    window.clearTimeout(timer);
    // Cleared after a while, so the same message is announced again on the next click.
    timer = window.setTimeout(function () {
      status.textContent = "";
    }, 4000);
  }

  var button = document.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.textContent = link.textContent;
  button.setAttribute("data-url", url);
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(url).then(
      function () {
        say(link.getAttribute("data-copied"));
      },
      function () {
        // Refused (no permission, page not focused): the address to copy by hand.
        say(link.getAttribute("data-failed") + " " + url);
      }
    );
  });
  link.replaceWith(button);
})();
