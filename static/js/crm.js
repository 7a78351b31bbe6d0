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

  // The browser may have kept ticks from before (back button): start from what is shown.
  remember();
  showSelection();
  showBulkFields();
})();
