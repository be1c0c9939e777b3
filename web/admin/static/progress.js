// Loa admin page: live broadcast progress. Polls the JSON endpoint once a second while the
// broadcast is sending and updates the figures in place (fixed-width cells: no layout shift);
// reloads once at the end to show the report. Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.getAttribute("data-state") !== "sending") { return; }
  var url = box.getAttribute("data-url");
  function field(name, value) {
    var node = box.querySelector('[data-field="' + name + '"]');
    if (node && node.textContent !== String(value)) { node.textContent = value; }
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return setTimeout(tick, 3000); }
        field("sent", data.sent); field("failed", data.failed); field("pending", data.pending);
        field("held", data.held);  // in residents' quiet hours: neither sent nor failed yet
        field("state_label", data.state_label);
        if (data.final) { window.location.reload(); } else { setTimeout(tick, 1000); }
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
