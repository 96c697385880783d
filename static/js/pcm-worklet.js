// AudioWorklet: the microphone at the context's rate → 16 kHz mono PCM16, posted in 100 ms frames.
class PcmWorklet extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.position = 0;
    this.frame = new Int16Array(1600);
    this.filled = 0;
  }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    // Linear-interpolation resampling; the speech band is well below 8 kHz.
    while (this.position < input.length - 1) {
      const i = Math.floor(this.position);
      const t = this.position - i;
      const value = input[i] * (1 - t) + input[i + 1] * t;
      this.frame[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(value * 32768)));
      if (this.filled === this.frame.length) {
        this.port.postMessage(this.frame.buffer.slice(0));
        this.filled = 0;
      }
      this.position += this.ratio;
    }
    this.position -= input.length;
    return true;
  }
}
registerProcessor("pcm-worklet", PcmWorklet);
