/* The section page, enhanced: answers are saved in the background shortly after each
 * change, the page says when they were last saved, comment boxes count their characters,
 * and leaving while a save is pending or has failed asks first.
 *
 * Without this script the page loses nothing either: every way off it is a button of its
 * form that saves first. Strings come from the page (data-* attributes), so they are
 * translated with the rest of it; the CSP allows no inline script, hence this file.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("save-status");
  var SAVE_DELAY = 1500; // ms after the last change: one request per burst of typing
  var ANNOUNCE_DELAY = 1000;

  var timer = null; // a background save is scheduled
  var inFlight = false;
  var again = false; // a change arrived while a save was in flight
  var failed = false; // the last save did not store everything
  var leaving = false; // the form itself is being submitted: it saves everything
  var heldSubmit = null; // a submit pressed during a background save waits for it

  function say(text, problem) {
    if (status.textContent !== text) status.textContent = text;
    status.classList.toggle("text-danger", Boolean(problem));
  }

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY);
    if (!inFlight) say(status.dataset.unsaved, false);
  }

  function updateRevisions(revisions) {
    Object.keys(revisions || {}).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) field.value = String(revisions[name]);
    });
  }

  function save() {
    timer = null;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    say(status.dataset.saving, false);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("no JSON reply");
        return response.json().then(function (reply) {
          // Only a save that was stored moves the page to the new revisions; after a
          // conflict the page keeps the old ones, so that "Save" shows both versions.
          updateRevisions(reply.revisions);
          failed = !response.ok || Object.keys(reply.errors || {}).length > 0;
          say(reply.message, failed);
        });
      })
      .catch(function () {
        failed = true;
        say(status.dataset.failed, true);
      })
      .then(function () {
        inFlight = false;
        if (heldSubmit) {
          var submitter = heldSubmit;
          heldSubmit = null;
          leaving = true;
          form.requestSubmit(submitter);
        } else if (again) {
          again = false;
          save();
        }
      });
  }

  // Radios and text boxes both fire "input" for each change ("change" would add a
  // second save when a comment box loses focus).
  form.addEventListener("input", changed);

  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    timer = null;
    if (inFlight && !leaving && form.requestSubmit) {
      // Sent now, the page's revisions would predate the background save still running,
      // and the server would take this page for a stale one.
      event.preventDefault();
      heldSubmit = event.submitter || null;
      return;
    }
    leaving = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !(timer || inFlight || failed)) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when this is set
  });
  // Back from the browser's page cache: the form can be submitted again.
  window.addEventListener("pageshow", function () {
    leaving = false;
  });

  // Comment counts: the same text as the server writes under each box, kept up to date.
  var limit = Number(form.dataset.commentLimit);
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var announcer = document.createElement("span");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  form.appendChild(announcer);
  var announceTimer = null;

  function countText(length) {
    var template = !length
      ? form.dataset.countEmpty
      : length > limit
        ? form.dataset.countOver
        : form.dataset.countText;
    return template
      .replace("%(length)s", number.format(length))
      .replace("%(limit)s", number.format(limit))
      .replace("%(over)s", number.format(length - limit));
  }

  function commentLength(box) {
    // As the server counts: code points, trimmed, a line break as one character.
    return Array.from(box.value.trim()).length;
  }

  form.querySelectorAll("textarea[data-count]").forEach(function (box) {
    var count = document.getElementById(box.dataset.count);
    if (!count) return;
    box.addEventListener("input", function () {
      var length = commentLength(box);
      var over = length > limit;
      count.textContent = countText(length);
      count.classList.toggle("text-danger", over);
      count.classList.toggle("fw-semibold", over);
      count.classList.toggle("text-body-secondary", !over);
      // Screen readers hear the count once typing pauses, not at every key.
      clearTimeout(announceTimer);
      announceTimer = setTimeout(function () {
        announcer.textContent = count.textContent;
      }, ANNOUNCE_DELAY);
    });
  });
})();
