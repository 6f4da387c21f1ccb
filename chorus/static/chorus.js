/* Chorus: small progressive enhancements. Every journey works without this file. */
(function () {
  "use strict";

  /* Quick exit (SAFE-UI item 1): the link works without JavaScript (it goes
     to /exit); with it, we end the session in the background and replace the
     current history entry, so Back does not return here. The link is found at
     the moment it is used: htmx swaps in each new page's header. */
  function leave() {
    var exitLink = document.getElementById("exit-this-page");
    var target = exitLink ? exitLink.getAttribute("data-exit-url") : null;
    try {
      window.fetch("/exit", { credentials: "same-origin", redirect: "manual", keepalive: true });
    } catch (ignored) { /* leaving matters more than tidying up */ }
    document.body.hidden = true;
    window.location.replace(target || "/exit");
  }
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("#exit-this-page") : null;
    if (link) {
      event.preventDefault();
      leave();
    }
  });

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

  /* One history entry for all of Chorus (SAFE-UI 1): htmx fetches each page a link or
     a form leads to (hx-boost on the body) and swaps it in; every history update it
     makes replaces the current entry instead of adding one, so after "Exit this page"
     the Back button shows the page before Chorus. (htmx keeps no copy of any page:
     historyCacheSize is 0.) */
  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    if (event.detail && event.detail.history) { event.detail.history.type = "replace"; }
  });

  /* A page swapped in by htmx brings the attributes htmx leaves alone: the language
     and direction of <html>, and the CSRF token htmx sends (bound to the session, so
     it changes when someone signs in or out). */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail || !detail.boosted || typeof detail.serverResponse !== "string") { return; }
    var next = new DOMParser().parseFromString(detail.serverResponse, "text/html");
    ["lang", "dir"].forEach(function (name) {
      var value = next.documentElement.getAttribute(name);
      if (value) { document.documentElement.setAttribute(name, value); }
    });
    var headers = next.body ? next.body.getAttribute("data-hx-headers") : null;
    if (headers) { document.body.setAttribute("data-hx-headers", headers); }
  });

  /* Idle sessions end after 30 minutes (server side). Warn at 25, with a way
     to stay signed in; at 30, go to the sign-in page rather than show stale data.
     Each page (loaded or swapped in) starts the count again. */
  var idleTimers = [];
  function watchIdleTime() {
    idleTimers.forEach(window.clearTimeout);
    idleTimers = [];
    var idleWarning = document.getElementById("idle-warning");
    if (!idleWarning) { return; }
    idleTimers.push(window.setTimeout(function () {
      idleWarning.hidden = false;
      var stay = idleWarning.querySelector("button");
      if (stay) { stay.focus(); }
    }, 25 * 60 * 1000));
    idleTimers.push(window.setTimeout(function () {
      window.location.replace("/sign-in");
    }, 30 * 60 * 1000));
  }
  watchIdleTime();

  /* Error summaries take focus, so screen readers announce them first. */
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  /* After htmx swaps in a page, focus goes where a new page would put it: the error
     summary, or else the start of the page (the next Tab reaches the skip link, then
     "Exit this page"). After it swaps in the next step of a form (the ballot's review),
     the error summary or else the main content. */
  document.addEventListener("htmx:afterSettle", function (event) {
    var main = document.getElementById("main");
    if (!event.detail || !event.detail.boosted || !main) { return; }
    var errors = main.querySelector("[data-error-summary]");
    if (event.detail.target === document.body) {
      watchIdleTime();
      if (errors) {
        errors.focus();
      } else {
        document.body.setAttribute("tabindex", "-1");
        document.body.focus({ preventScroll: true });
        document.body.removeAttribute("tabindex");
      }
      return;
    }
    (errors || main).focus();
  });
})();
