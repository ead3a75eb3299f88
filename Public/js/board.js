// The display board: listens to the server's events and redraws the calls and the queue.
// Without EventSource (or when the stream keeps failing) it polls the board API every 2 s;
// without JavaScript the page refreshes itself every 5 s (<noscript> in the head).
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var deskLabel = root.getAttribute("data-desk-label");
  var recallLabel = root.getAttribute("data-recall-label");

  function text(tag, className, value) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    el.textContent = value;
    return el;
  }

  function render(state) {
    var calls = document.getElementById("calls");
    var waiting = document.getElementById("waiting");
    calls.replaceChildren();
    state.calls.forEach(function (c) {
      var li = document.createElement("li");
      li.append(text("span", "number", c.number), " ", text("span", "arrow", "→"), " ", text("span", "desk", deskLabel + " " + c.desk));
      if (c.recalls > 0) { li.append(" ", text("span", "recall", "(" + recallLabel + ")")); }
      calls.append(li);
    });
    waiting.replaceChildren();
    state.waiting.forEach(function (w) {
      var li = document.createElement("li");
      li.append(w.field + ": ", text("strong", "", String(w.count)));
      waiting.append(li);
    });
    document.getElementById("updated").textContent = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" });
  }

  function poll() {
    fetch(root.getAttribute("data-api"), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) { render(s); } })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 2000); });
  }

  if (!window.EventSource) { poll(); return; }
  var failures = 0;
  var source = new EventSource(root.getAttribute("data-events"));
  source.addEventListener("board", function (e) { failures = 0; render(JSON.parse(e.data)); });
  source.onerror = function () {
    failures += 1;
    if (failures >= 3) { source.close(); poll(); }
  };
})();
