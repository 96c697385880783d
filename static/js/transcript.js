// The transcript workspace: play from a segment or a word, follow playback, find, copy, correct.
(function () {
  const $ = (id) => document.getElementById(id);
  followProgress($("progress"));
  const table = $("segments");
  if (!table) return;
  const audio = document.querySelector("audio");
  const rows = [...table.tBodies[0].rows];
  const starts = rows.map((row) => Number(row.dataset.start));
  let current = -1;

  function editing(element) {
    return element && (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));
  }

  function playFrom(seconds) {
    if (!audio) return;
    audio.currentTime = seconds;
    audio.play().catch(() => {});  // a browser may refuse before the first gesture; the seek stays
  }

  function highlight(index) {
    if (index === current) return;
    if (current >= 0) rows[current].classList.remove("playing");
    current = index;
    if (index >= 0) {
      rows[index].classList.add("playing");
      rows[index].scrollIntoView({ block: "nearest" });
    }
  }

  function rowAt(seconds) {
    let index = -1;
    for (let i = 0; i < starts.length && starts[i] <= seconds + 0.05; i++) index = i;
    return index;
  }

  table.addEventListener("click", (event) => {
    const word = event.target.closest(".w");
    const seek = event.target.closest(".seek");
    const row = event.target.closest("tr");
    if (word) playFrom(Number(word.dataset.start));
    else if (seek) playFrom(Number(seek.closest("tr").dataset.start));
    // anywhere else on a row plays it too, except where a member is editing (text, speaker)
    else if (row && row.parentElement === table.tBodies[0] && !event.target.closest("[contenteditable], select"))
      playFrom(Number(row.dataset.start));
  });

  if (audio) {
    audio.addEventListener("timeupdate", () => highlight(rowAt(audio.currentTime)));
    document.addEventListener("keydown", (event) => {
      if (editing(document.activeElement) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === " ") {
        event.preventDefault();
        if (audio.paused) audio.play().catch(() => {}); else audio.pause();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = Math.min(rows.length - 1, Math.max(0, current + (event.key === "ArrowDown" ? 1 : -1)));
        highlight(next);
        audio.currentTime = starts[next];
      }
    });
  }

  // The segments the recogniser was unsure of, one after another from where playback is.
  const nextUnsure = $("next-unsure");
  if (nextUnsure) {
    const unsure = rows.flatMap((row, index) => (row.classList.contains("unsure") ? [index] : []));
    nextUnsure.addEventListener("click", () => {
      const next = unsure.find((index) => index > current) ?? unsure[0];
      rows[next].scrollIntoView({ block: "center" });
      highlight(next);
      playFrom(starts[next]);
    });
  }

  // Find within the transcript: matching rows marked, the rest dimmed, Enter goes to the next.
  const find = $("find");
  let matches = [], shown = -1;
  function search() {
    const query = find.value.trim().toLowerCase();
    matches = [];
    rows.forEach((row, index) => {
      const hit = query && row.querySelector(".seg-text").textContent.toLowerCase().includes(query);
      row.classList.toggle("match", Boolean(hit));
      row.classList.toggle("dimmed", Boolean(query) && !hit);
      if (hit) matches.push(index);
    });
    shown = -1;
    $("find-count").textContent = query ? matches.length + " / " + rows.length : "";
  }
  if (find) {
    find.addEventListener("input", search);
    find.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !matches.length) return;
      event.preventDefault();
      shown = (shown + 1) % matches.length;
      rows[matches[shown]].scrollIntoView({ block: "center" });
      rows[matches[shown]].querySelector(".seek").focus();
    });
  }

  const copy = $("copy-all");
  if (copy) {
    copy.addEventListener("click", async () => {
      const text = $("plain-text").value;
      try {
        await navigator.clipboard.writeText(text);
      } catch (e) {  // no clipboard permission (plain http on another host): select it for Ctrl-C
        const box = $("plain-text");
        box.hidden = false;
        box.select();
        document.execCommand("copy");
      }
      $("copy-state").textContent = copy.dataset.copied;
    });
  }

  // Corrections: the edited rows' text goes with the form (contenteditable is not a form field).
  const form = $("editor-form");
  if (form) {
    const original = new Map(rows.map((row) => {
      const cell = row.querySelector(".seg-text");
      return [cell.dataset.index, cell.textContent];
    }));
    table.addEventListener("input", (event) => {
      const cell = event.target.closest(".seg-text");
      if (cell) cell.closest("tr").classList.toggle("changed", cell.textContent !== original.get(cell.dataset.index));
    });
    form.addEventListener("submit", () => {
      table.querySelectorAll(".seg-text").forEach((cell) => {
        if (cell.textContent === original.get(cell.dataset.index)) return;
        const field = document.createElement("input");
        field.type = "hidden";
        field.name = "text-" + cell.dataset.index;
        field.value = cell.textContent;
        form.appendChild(field);
      });
    });
  }
})();

// While a transcript is queued or running: its progress over /ws/transcripts/<id>/ (the API
// every 2 s should the socket close); the page reloads once, when the transcript is finished.
function followProgress(bar) {
  if (!bar) return;
  let reloading = false;
  function update(status, progress) {
    bar.value = progress;
    if (status !== "queued" && status !== "running" && !reloading) {
      reloading = true;
      location.reload();
    }
  }
  const poll = async () => {
    try {
      const response = await fetch(bar.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const transcript = await response.json();
        update(transcript.status, transcript.progress);
      }
    } finally {
      if (!reloading) setTimeout(poll, 2000);
    }
  };
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const socket = new WebSocket(scheme + location.host + "/ws/transcripts/" + Number(bar.dataset.transcript) + "/");
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "progress") update(message.status, message.progress);
  };
  socket.onclose = () => { if (!reloading) setTimeout(poll, 2000); };
}
