/* Chorus: small progressive enhancements. Every journey works without this file. */
(function () {
  "use strict";

  /* Quick exit (SAFE-UI item 1): the link works without JavaScript (it goes
     to /exit); with it, we end the session in the background and replace the
     current history entry, so Back does not return here. */
  var exitLink = document.getElementById("exit-this-page");
  function leave() {
    var target = exitLink ? exitLink.getAttribute("data-exit-url") : null;
    try {
      window.fetch("/exit", { credentials: "same-origin", redirect: "manual", keepalive: true });
    } catch (ignored) { /* leaving matters more than tidying up */ }
    document.body.hidden = true;
    window.location.replace(target || "/exit");
  }
  if (exitLink) {
    exitLink.addEventListener("click", function (event) {
      event.preventDefault();
      leave();
    });
  }

  /* Shift pressed on its own three times within a few seconds leaves too.
     Any other key in between (as when typing capitals) starts the count again. */
  var presses = [];
  var WINDOW_MS = 3000;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      presses = [];
      return;
    }
    if (event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < WINDOW_MS; });
    presses.push(now);
    if (presses.length >= 3) {
      presses = [];
      leave();
    }
  });
  document.addEventListener("mousedown", function () { presses = []; });

  /* Idle sessions end after 30 minutes (server side). Warn at 25, with a way
     to stay signed in; at 30, go to the sign-in page rather than show stale data. */
  var idleWarning = document.getElementById("idle-warning");
  if (idleWarning) {
    window.setTimeout(function () {
      idleWarning.hidden = false;
      var stay = idleWarning.querySelector("button");
      if (stay) { stay.focus(); }
    }, 25 * 60 * 1000);
    window.setTimeout(function () {
      window.location.replace("/sign-in");
    }, 30 * 60 * 1000);
  }

  /* Error summaries take focus, so screen readers announce them first. */
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  /* After htmx swaps in the next step of a form (the ballot's review, an error), focus
     goes where a new page would put it: the error summary, or else the main content. */
  document.addEventListener("htmx:afterSettle", function (event) {
    var main = document.getElementById("main");
    if (!event.detail || !event.detail.boosted || !main) { return; }
    (main.querySelector("[data-error-summary]") || main).focus();
  });
})();
