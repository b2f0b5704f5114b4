/* The moderation queue with JavaScript: decisions happen in place, keyboard shortcuts.
 * Without this file the same forms post and redirect back; nothing here is required. */
(function () {
  "use strict";

  var root = document.getElementById("moderation");
  if (!root || !window.fetch || !window.FormData) {
    return;
  }

  // action -> the status it leads to (mirrors comments.moderation.ACTION_STATUS)
  var STATUS_OF = { approve: "approved", unapprove: "pending", spam: "spam", remove: "removed" };
  var KEY_ACTION = { a: "approve", s: "spam", r: "remove" };
  var messagesBox = document.getElementById("mod-messages");
  var current = -1;
  var lastIds = [];
  var busy = false;

  function rows() {
    return Array.prototype.slice.call(root.querySelectorAll(".mod-row"));
  }

  function say(text, kind) {
    if (!messagesBox || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (kind === "error" ? "danger" : "success");
    alert.textContent = text;
    messagesBox.replaceChildren(alert);
  }

  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function focusRow(index) {
    var list = rows();
    if (!list.length) {
      return;
    }
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (row, i) {
      row.classList.toggle("is-current", i === current);
    });
    list[current].focus();
    list[current].scrollIntoView({ block: "nearest" });
  }

  function updateButtons(row) {
    var status = row.dataset.status;
    row.querySelectorAll("button[data-action]").forEach(function (button) {
      var action = button.dataset.action;
      button.hidden = action === "unapprove" ? status !== "approved" : STATUS_OF[action] === status;
    });
  }

  function applyState(data) {
    (data.comments || []).forEach(function (comment) {
      var row = root.querySelector('.mod-row[data-comment-id="' + comment.id + '"]');
      if (!row) {
        return;
      }
      row.dataset.status = comment.status;
      var badge = row.querySelector("[data-role=status]");
      if (badge) {
        badge.textContent = comment.status_label;
      }
      // Rows stay in place (dimmed) so j/k keep their order and undo can bring them back.
      row.classList.toggle("is-moved", comment.status !== root.dataset.status);
      var box = row.querySelector("input[type=checkbox]");
      if (box) {
        box.checked = false;
      }
      updateButtons(row);
    });
    Object.keys(data.counts || {}).forEach(function (status) {
      var badge = root.querySelector('[data-count="' + status + '"]');
      if (badge) {
        badge.textContent = data.counts[status];
      }
    });
  }

  function send(url, body) {
    busy = true;
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return { error: "The server did not answer as expected. Please reload the page." };
          })
          .then(function (data) {
            if (!response.ok) {
              throw new Error(data.error || "That did not work. Please reload the page.");
            }
            return data;
          });
      })
      .then(function (data) {
        applyState(data);
        say(data.message, "success");
        return data;
      })
      .catch(function (error) {
        say(error.message, "error");
        throw error;
      })
      .finally(function () {
        busy = false;
      });
  }

  function act(form, action) {
    var body = new FormData(form);
    body.set("action", action);
    return send(form.getAttribute("action"), body).then(function (data) {
      if (data.changed) {
        lastIds = (data.comments || []).map(function (c) {
          return String(c.id);
        });
      }
      return data;
    });
  }

  function undo() {
    var body = new FormData();
    lastIds.forEach(function (id) {
      body.append("comment", id);
    });
    return send(root.dataset.undoUrl, body).then(function (data) {
      lastIds = [];
      return data;
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (form.matches(".mod-action-form") && submitter && submitter.dataset.action) {
      event.preventDefault();
      if (!busy) {
        act(form, submitter.dataset.action).catch(function () {});
      }
    } else if (form.matches(".mod-bulk-form")) {
      event.preventDefault();
      if (!busy) {
        act(form, form.elements.action.value).catch(function () {});
      }
    } else if (form.matches(".mod-undo-form")) {
      event.preventDefault();
      if (!busy) {
        undo().catch(function () {});
      }
    }
  });

  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    selectAll.closest(".mod-select-all").hidden = false;
    selectAll.addEventListener("change", function () {
      root.querySelectorAll(".mod-row input[type=checkbox]").forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }

  root.addEventListener("click", function (event) {
    var row = event.target.closest(".mod-row");
    if (row) {
      current = rows().indexOf(row);
      rows().forEach(function (r) {
        r.classList.toggle("is-current", r === row);
      });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || busy) {
      return;
    }
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) {
      return;  // typing, not a shortcut
    }
    var key = event.key;
    if (key === "j") {
      focusRow(current + 1);
    } else if (key === "k") {
      focusRow(current < 0 ? 0 : current - 1);
    } else if (key === "u") {
      undo().catch(function () {});
    } else if (KEY_ACTION[key]) {
      var list = rows();
      if (current < 0 || !list[current]) {
        focusRow(0);
        return;
      }
      var row = list[current];
      var button = row.querySelector('button[data-action="' + KEY_ACTION[key] + '"]');
      if (!button || button.hidden) {
        return;
      }
      act(button.form, KEY_ACTION[key])
        .then(function () {
          focusRow(current + 1);
        })
        .catch(function () {});
    } else {
      return;
    }
    event.preventDefault();
  });
})();
