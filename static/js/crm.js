/* The staff pages' own script, loaded with defer from base.html. The Content-Security-Policy
 * allows scripts from static/ only: no inline handlers, everything is wired here.
 *
 * 1. A form marked data-confirm asks first, in the page's <dialog id="confirm-dialog">, and
 *    posts confirmed=1 once the person says yes. Without this script the server asks instead
 *    (it answers a first POST without confirmed=1 with the question).
 * 2. Enter in a checkbox submits nothing: browsers submit a form "implicitly" from a
 *    checkbox, which on the queue would apply a bulk action nobody meant to apply.
 * 3. The request queue: select all, "N selected", the selection kept when htmx swaps the
 *    table in, the 30-second refresh paused while something is selected, and only the bulk
 *    field the chosen action needs.
 * 4. The sidebar folds away on a phone (a <details>, open without this script).
 * 5. Keyboard shortcuts (the ? key lists them): j / k move along a queue's rows, o or Enter
 *    opens one, t takes the request on its page (through its form, a POST), r goes to the
 *    Respond form. None acts while typing in a field, with Ctrl, Alt or Meta, or with a
 *    dialog open.
 */
(function () {
  "use strict";

  // -- 1. asking first ------------------------------------------------------------------

  /** Ask ``question``; resolves true when the person chose ``yes``. */
  function ask(question, yes, no) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(question));
    }
    document.getElementById("confirm-dialog-question").textContent = question;
    document.getElementById("confirm-dialog-yes").textContent = yes || "Yes";
    var safe = document.getElementById("confirm-dialog-no");
    safe.textContent = no || "No, go back";
    dialog.returnValue = "";
    dialog.showModal();
    safe.focus(); // Enter or Space at once must not do the thing that cannot be undone
    return new Promise(function (resolve) {
      // Escape closes the dialog too, with an empty returnValue: a no.
      dialog.addEventListener(
        "close",
        function () {
          resolve(dialog.returnValue === "yes");
        },
        { once: true }
      );
    });
  }

  function ticked(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === "selected" && el.checked;
    });
  }

  /** The question ``form`` asks before it is sent, or null. */
  function questionFor(form) {
    var data = form.dataset;
    if (data.confirm) {
      return { text: data.confirm, yes: data.confirmYes, no: data.confirmNo };
    }
    var operation = form.elements.namedItem("operation");
    if (!data.confirmOperation || !operation || operation.value !== data.confirmOperation) {
      return null;
    }
    var count = ticked(form).length;
    if (count === 0) {
      return null; // nothing to ask about: the server says what is missing
    }
    var fill = function (text) {
      return (text || "").replace("{count}", String(count));
    };
    return {
      text: fill(count === 1 ? data.confirmOne : data.confirmMany),
      yes: fill(count === 1 ? data.confirmYesOne : data.confirmYesMany),
      no: data.confirmNo,
    };
  }

  function confirmAndSubmit(form, submitter) {
    var field = form.querySelector('input[name="confirmed"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirmed";
      form.append(field);
    }
    field.value = "1";
    form.dataset.confirmed = "yes";
    form.requestSubmit(submitter && submitter.form === form ? submitter : null);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed; // the submit after a yes; the next one asks again
      return;
    }
    var question = questionFor(form);
    if (!question) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    ask(question.text, question.yes, question.no).then(function (yes) {
      if (yes) {
        confirmAndSubmit(form, submitter);
      }
    });
  });

  // -- 2. Enter in a checkbox -----------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    var box = el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio");
    if (box && event.key === "Enter") {
      event.preventDefault();
    }
  });

  // -- 3. the request queue's selection -------------------------------------------------

  var chosen = new Set(); // the numbers ticked, kept across the table's refreshes

  function rowBoxes() {
    return Array.prototype.slice.call(document.querySelectorAll('#queue input[name="selected"]'));
  }

  function remember() {
    chosen.clear();
    rowBoxes().forEach(function (box) {
      if (box.checked) {
        chosen.add(box.value);
      }
    });
  }

  function showSelection() {
    var boxes = rowBoxes();
    var count = boxes.filter(function (box) {
      return box.checked;
    }).length;
    var all = document.getElementById("select-all");
    if (all) {
      all.hidden = boxes.length === 0;
      all.checked = boxes.length > 0 && count === boxes.length;
      all.indeterminate = count > 0 && count < boxes.length;
    }
    var counter = document.getElementById("bulk-count");
    if (counter) {
      counter.hidden = false;
      counter.textContent = count + " selected";
    }
    var paused = document.getElementById("bulk-paused");
    if (paused) {
      paused.hidden = count === 0;
    }
  }

  /** After htmx swapped the table in: tick again what was ticked. Rows that left the
   * page leave the selection, so the count is what Apply sends. */
  function restore() {
    rowBoxes().forEach(function (box) {
      box.checked = chosen.has(box.value);
    });
    remember();
    showSelection();
  }

  /** Only the field the chosen bulk action needs (all of them without this script). */
  function showBulkFields() {
    var operation = document.getElementById("bulk-operation");
    if (!operation) {
      return;
    }
    document.querySelectorAll("[data-bulk-for]").forEach(function (field) {
      field.hidden = field.dataset.bulkFor !== operation.value;
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.id === "select-all") {
      rowBoxes().forEach(function (box) {
        box.checked = el.checked;
      });
    }
    if (el.id === "select-all" || (el.name === "selected" && el.closest("#queue"))) {
      remember();
      showSelection();
    }
    if (el.id === "bulk-operation") {
      showBulkFields();
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    // The table's own refresh (its element is #queue) waits while something is selected:
    // rows moving under the pointer mid-selection would catch the wrong one.
    if (event.detail.elt && event.detail.elt.id === "queue" && chosen.size > 0) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (document.getElementById("queue")) {
      restore();
    }
  });

  // -- 4. the sidebar on a phone ---------------------------------------------------------

  var narrow = window.matchMedia("(max-width: 900px)");

  function fitSidebar() {
    var menu = document.getElementById("sidebar-menu");
    if (menu) {
      menu.open = !narrow.matches;
    }
  }
  narrow.addEventListener("change", fitSidebar);

  // -- 4b. filter links without the empty fields -----------------------------------------
  // A filter form sends every field, set or not; the empty ones would make the address
  // (and what a saved view stores) a line of "&status=&type=". Without JavaScript the
  // server reads the long form the same way.

  document.addEventListener("formdata", function (event) {
    if (!event.target.classList.contains("filter-form")) {
      return;
    }
    var kept = [];
    event.formData.forEach(function (value, name) {
      if (value !== "") {
        kept.push([name, value]);
      }
    });
    Array.from(new Set(Array.from(event.formData.keys()))).forEach(function (name) {
      event.formData.delete(name);
    });
    kept.forEach(function (pair) {
      event.formData.append(pair[0], pair[1]);
    });
  });

  // -- 5. keyboard shortcuts ------------------------------------------------------------

  var current = null; // the number of the highlighted row, kept across the table's refresh

  function queueRows() {
    return Array.prototype.slice.call(
      document.querySelectorAll("table[data-keyboard-rows] tbody tr.queue__row")
    );
  }

  function rowLink(row) {
    return row.querySelector("a[href]"); // the number, the first link of the row
  }

  function highlight(row) {
    queueRows().forEach(function (other) {
      other.classList.toggle("queue__row--current", other === row);
    });
    var link = rowLink(row);
    current = link ? link.textContent.trim() : null;
    if (link) {
      link.focus(); // the focus ring, and Enter then opens it as any link
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function currentIndex(rows) {
    return rows.findIndex(function (row) {
      return row.classList.contains("queue__row--current");
    });
  }

  function move(step) {
    var rows = queueRows();
    if (rows.length === 0) {
      return false;
    }
    var index = currentIndex(rows);
    var next = index === -1 ? (step > 0 ? 0 : rows.length - 1) : index + step;
    highlight(rows[Math.max(0, Math.min(rows.length - 1, next))]);
    return true;
  }

  function openCurrent() {
    var rows = queueRows();
    var index = currentIndex(rows);
    var link = index === -1 ? null : rowLink(rows[index]);
    if (link) {
      window.location.assign(link.href);
    }
    return Boolean(link);
  }

  function take() {
    // The page's own "Take it" form: a POST with its CSRF token, asking first if it asks.
    var form = document.querySelector('form[data-shortcut="take"]');
    if (form) {
      form.requestSubmit();
    }
    return Boolean(form);
  }

  function respond() {
    var card = document.getElementById("action-respond");
    var field = card && card.querySelector("input:not([type=hidden]), select, textarea, button");
    if (field) {
      card.scrollIntoView({ block: "start" });
      field.focus();
    }
    return Boolean(field);
  }

  function showShortcuts() {
    var dialog = document.getElementById("shortcuts-dialog");
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) {
      dialog.showModal();
    }
    return Boolean(dialog);
  }

  var SHORTCUTS = {
    j: function () { return move(1); },
    k: function () { return move(-1); },
    o: openCurrent,
    t: take,
    r: respond,
    "?": showShortcuts,
  };

  var NOT_TYPED = ["checkbox", "radio", "button", "submit", "reset"];

  function typing(el) {
    return (
      (el instanceof HTMLInputElement && NOT_TYPED.indexOf(el.type) === -1) ||
      el instanceof HTMLTextAreaElement ||
      el instanceof HTMLSelectElement ||
      (el instanceof HTMLElement && el.isContentEditable)
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (typing(event.target) || document.querySelector("dialog[open]")) {
      return;
    }
    var key = event.key;
    // Enter on the page (not on a link or a button, which do their own thing) opens the row.
    if (key === "Enter" && (event.target === document.body || event.target.id === "main")) {
      if (openCurrent()) {
        event.preventDefault();
      }
      return;
    }
    var action = Object.prototype.hasOwnProperty.call(SHORTCUTS, key) ? SHORTCUTS[key] : null;
    if (action && (key === "?" || !event.shiftKey) && action()) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-shortcuts-open]");
    if (opener) {
      showShortcuts();
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    // The refreshed table: the same row stays highlighted (without taking the focus).
    var again = queueRows().find(function (row) {
      var link = rowLink(row);
      return link && link.textContent.trim() === current;
    });
    if (again) {
      again.classList.add("queue__row--current");
    }
  });

  document.querySelectorAll("[data-shortcuts-hint]").forEach(function (hint) {
    hint.hidden = false;
  });

  // The browser may have kept ticks from before (back button): start from what is shown.
  remember();
  showSelection();
  showBulkFields();
  fitSidebar();
})();
