// Live progress of a batch job: the server sends the whole state on connect and on each change.
(function () {
  const root = document.getElementById("job");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const finished = (status) => status !== "queued" && status !== "running";
  const labels = JSON.parse(root.dataset.labels || "{}");  // status → its name in the page's language
  const label = (status) => labels[status] || status;
  const errors = JSON.parse(root.dataset.errors || "{}");  // error code → its message in the page's language

  function showStatus(element, status) {
    element.textContent = label(status);
    element.dataset.status = status;
    element.className = element.className.replace(/\bstatus-\w+/g, "").trim() + " status-" + status;
  }

  function render(state) {
    showStatus($("job-status"), state.status);
    $("job-count").textContent = state.done + "/" + state.total;
    $("job-progress").value = state.fraction;
    $("job-eta").textContent = state.eta_seconds ? " · ETA " + Math.round(state.eta_seconds) + " s" : "";
    $("job-current").textContent = state.current
      ? " · " + state.current.name + " " + state.current.position + " / " + (state.current.duration || "?") + " s" : "";
    for (const file of state.files) {
      const row = root.querySelector('tr[data-id="' + file.id + '"]');
      if (!row) continue;
      showStatus(row.querySelector(".status"), file.status);
      row.querySelector(".preview").textContent = file.preview || "";
      row.querySelector(".progress").textContent = Math.round(file.progress * 100) + "%";
      row.querySelector(".error").textContent = window.errorText(errors, file.error_code, file.error_params, file.error);
    }
    const cancel = $("job-cancel");  // nothing is left to cancel once the job has finished
    if (cancel) cancel.hidden = finished(state.status);
  }

  let retry = 1000;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.onopen = () => { retry = 1000; $("job-connection").textContent = ""; };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "progress") render(message);
      if (message.type === "error") $("job-connection").textContent = message.message;
    };
    socket.onclose = () => {
      if (finished($("job-status").dataset.status)) return;
      $("job-connection").textContent = root.dataset.reconnecting;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }
  connect();
})();
