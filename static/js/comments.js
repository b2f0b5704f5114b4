/*
 * Comment form helpers (no framework; the form works without this file).
 * - Reply links move the form (#respond) under the comment being answered, set the hidden
 *   `parent`, retitle it "Reply to <name>"; "Cancel reply" puts it back.
 * - The comment being typed is kept in localStorage (per review and parent) until it is posted,
 *   so a reload or a lost connection does not throw it away.
 */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  if (!respond) {
    return;
  }
  var form = respond.querySelector("form");
  var textarea = form && form.querySelector('textarea[name="comment"]');
  var parentInput = form && form.querySelector('input[name="parent"]');
  var title = document.getElementById("reply-title");
  var cancelBox = respond.querySelector(".cancel-reply");
  var cancelLink = document.getElementById("cancel-comment-reply-link");
  var rating = form && form.querySelector(".comment-form-rating");
  // The quote of the comment a no-JS reply page answers: moved under a comment, the form needs
  // none (and would quote the wrong one).
  var quote = respond.querySelector(".comment-reply-quote");
  if (!form || !textarea || !parentInput || !title) {
    return;
  }
  var review = respond.getAttribute("data-review") || window.location.pathname;
  var defaultTitle = title.getAttribute("data-default") || "Leave a Reply";
  var DRAFT_PREFIX = "reviewsite:comment-draft:";
  var SUBMITTED_KEY = "reviewsite:comment-submitted";

  // Where the form lives on the page, so "Cancel reply" can put it back.
  var home = document.createElement("div");
  home.className = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);

  // Storage can be disabled or full (private windows): the form must keep working anyway.
  function storage(kind) {
    try {
      var store = window[kind];
      var probe = "reviewsite:probe";
      store.setItem(probe, probe);
      store.removeItem(probe);
      return store;
    } catch (error) {
      return null;
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  function draftKey() {
    return DRAFT_PREFIX + review + ":" + (parentInput.value || "top");
  }

  function saveDraft() {
    if (!local) {
      return;
    }
    try {
      if (textarea.value.trim()) {
        local.setItem(draftKey(), textarea.value);
      } else {
        local.removeItem(draftKey());
      }
    } catch (error) {
      /* quota exceeded: nothing more we can do */
    }
  }

  function restoreDraft() {
    if (local && !textarea.value.trim()) {
      var draft = local.getItem(draftKey());
      if (draft) {
        textarea.value = draft;
      }
    }
  }

  // Landing back on the review at #comment-<id> after posting: that draft has been posted.
  function forgetPostedDraft() {
    if (!session) {
      return;
    }
    var submitted = session.getItem(SUBMITTED_KEY);
    if (!submitted) {
      return;
    }
    session.removeItem(SUBMITTED_KEY);
    var match = /^#comment-(\d+)$/.exec(window.location.hash);
    if (local && match && document.getElementById("comment-" + match[1])) {
      local.removeItem(submitted);
    }
  }

  function showRating(show) {
    if (!rating) {
      return;
    }
    rating.hidden = !show;
    if (!show) {
      var select = rating.querySelector("select");
      if (select) {
        select.value = "";
      }
    }
  }

  // Text already typed moves with the form (and its draft with it); an empty form picks up
  // the draft kept for the comment now being answered.
  function setParent(value) {
    var typed = textarea.value.trim() !== "";
    if (typed && local) {
      local.removeItem(draftKey());
    }
    parentInput.value = value;
    if (typed) {
      saveDraft();
    } else {
      restoreDraft();
    }
  }

  function replyTo(commentId, name) {
    var article = document.getElementById("div-comment-" + commentId);
    if (!article) {
      return false;
    }
    article.parentNode.insertBefore(respond, article.nextSibling);
    setParent(commentId);
    if (quote) {
      quote.hidden = true;
    }
    title.textContent = "Reply to " + name;
    if (cancelBox) {
      cancelBox.hidden = false;
    }
    showRating(false); // a reader rates the film with a top-level comment only
    textarea.focus();
    return true;
  }

  function cancelReply() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    setParent("");
    if (quote) {
      quote.hidden = true;
    }
    title.textContent = defaultTitle;
    if (cancelBox) {
      cancelBox.hidden = true;
    }
    showRating(true);
    if (/[?&]replytocom=/.test(window.location.search) && window.history.replaceState) {
      // Drop the reply target only: the reader stays on their page of threads (cpage, corder).
      var query = window.location.search
        .slice(1)
        .split("&")
        .filter(function (part) {
          return part && part.indexOf("replytocom=") !== 0;
        })
        .join("&");
      window.history.replaceState(
        null,
        "",
        window.location.pathname + (query ? "?" + query : "") + "#respond"
      );
    }
    textarea.focus();
  }

  function isPlainClick(event) {
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (!link || !isPlainClick(event)) {
      return;
    }
    var id = link.getAttribute("data-comment-id");
    if (id && replyTo(id, link.getAttribute("data-reply-to") || "")) {
      event.preventDefault();
    }
  });

  if (cancelLink) {
    cancelLink.addEventListener("click", function (event) {
      if (isPlainClick(event)) {
        event.preventDefault();
        cancelReply();
      }
    });
  }

  textarea.addEventListener("input", saveDraft);
  form.addEventListener("submit", function () {
    saveDraft();
    if (session) {
      session.setItem(SUBMITTED_KEY, draftKey());
    }
  });

  forgetPostedDraft();
  // Opened from a no-JavaScript reply link (?replytocom=<id>): put the form under that comment.
  if (parentInput.value) {
    var link = document.querySelector('.comment-reply-link[data-comment-id="' + parentInput.value + '"]');
    if (link) {
      replyTo(parentInput.value, link.getAttribute("data-reply-to") || "");
    }
  }
  restoreDraft();
})();
