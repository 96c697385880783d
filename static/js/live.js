// Live recognition: microphone → AudioWorklet (16 kHz PCM16) → /ws/stream/ → partial and final text.
(function () {
  const $ = (id) => document.getElementById(id);
  const workletUrl = $("live-script").dataset.worklet;
  const say = $("live-script").dataset;  // the page's words, in the page's language
  let socket = null, context = null, stream = null;
  // Errors after which this session cannot go on: the options were refused, or the role was lost.
  const FATAL = new Set(["invalid_option", "unknown_language", "unknown_model", "broken_model", "role_lost"]);

  function options() {
    const form = $("live-options");
    const hotwords = form.hotwords.value.split(/[,，\n]/).map((s) => s.trim()).filter(Boolean);
    const libraries = [...form.querySelectorAll('input[name="libraries"]:checked')].map((c) => Number(c.value));
    return { language: form.language.value, hotwords, libraries, itn: form.itn.checked, save: form.save.checked,
             diarize: form.diarize.checked };
  }

  function showError(message) {
    $("live-error").hidden = false;
    $("live-error").textContent = message;
  }

  function appendFinal(message) {
    const item = document.createElement("li");
    if (message.speaker) {  // "S3": its colour is the detail page's spk-3
      const chip = document.createElement("span");
      chip.className = "speaker spk-" + (((Number(message.speaker.slice(1)) - 1) % 10) + 1);
      chip.textContent = message.speaker;
      item.append(chip, " ");
    }
    item.append("[" + message.start.toFixed(1) + "–" + message.end.toFixed(1) + " s] " + (message.itn_text || message.text));
    $("live-finals").appendChild(item);
    $("live-partial").textContent = "";
  }

  function state(name) {  // connecting → ready → recording → finishing → done
    $("live-state").textContent = say[name];
    $("live-state").dataset.state = name;
  }

  async function start() {
    $("live-error").hidden = true;
    $("live-start").disabled = true;  // one session at a time: no second click while connecting
    state("connecting");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
    } catch (e) {
      showError(say.noMicrophone + " " + e.message);
      $("live-start").disabled = false;
      state("idle");
      return;
    }
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/stream/");
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "partial") $("live-partial").textContent = message.text;
      else if (message.type === "final") appendFinal(message);
      else if (message.type === "error") {
        showError(window.errorText(JSON.parse(say.errors), message.code, message.params, message.message));
        if (FATAL.has(message.code)) { stopAudio(); socket.close(); state("idle"); }
      }
      else if (message.type === "done") {
        state("done");
        if (message.transcript) {
          $("live-saved").hidden = false;
          $("live-saved").innerHTML = '<a href="/transcripts/' + Number(message.transcript) + '/"></a>';
          $("live-saved").querySelector("a").textContent = say.saved;
        }
      }
    };
    socket.onclose = () => { stopAudio(); $("live-start").disabled = false; $("live-stop").disabled = true; };
    socket.onerror = () => showError(say.connectionFailed);
    socket.onopen = async () => {
      state("ready");
      socket.send(JSON.stringify(options()));
      context = new AudioContext();
      await context.audioWorklet.addModule(workletUrl);
      const node = new AudioWorkletNode(context, "pcm-worklet");
      node.port.onmessage = (event) => { if (socket.readyState === WebSocket.OPEN) socket.send(event.data); };
      context.createMediaStreamSource(stream).connect(node);
      state("recording");
      $("live-stop").disabled = false;
    };
  }

  function stopAudio() {
    if (context) { context.close(); context = null; }
    if (stream) { stream.getTracks().forEach((t) => t.stop()); stream = null; }
  }

  function stop() {
    stopAudio();
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "end" }));
    state("finishing");
    $("live-stop").disabled = true;
  }

  $("live-start").addEventListener("click", start);
  $("live-stop").addEventListener("click", stop);
})();
