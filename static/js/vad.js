// Draws the waveform peaks and, over them, the speech regions the VAD found.
(function () {
  const canvas = document.getElementById("vad-plot");
  const source = document.getElementById("vad-data");
  if (!canvas || !source) return;
  const data = JSON.parse(source.textContent);
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  ctx.fillStyle = "rgba(46, 125, 50, 0.25)";
  for (const [start, end] of data.segments) {
    const x = (start / data.duration_ms) * width;
    ctx.fillRect(x, 0, Math.max(1, ((end - start) / data.duration_ms) * width), height);
  }
  ctx.strokeStyle = "#1f4e79";
  ctx.beginPath();
  data.peaks.forEach((peak, i) => {
    const x = (i / data.peaks.length) * width;
    ctx.moveTo(x, height / 2 - (peak * height) / 2);
    ctx.lineTo(x, height / 2 + (peak * height) / 2);
  });
  ctx.stroke();
})();
