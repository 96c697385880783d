"""Who spoke when: speaker embeddings of short windows of speech, clustered into speakers.

The embeddings come from the d-vector encoder that the `resemblyzer` wheel ships (a 3-layer LSTM
over 40 mel bands, weights inside the package, nothing downloaded). Speech is cut into windows of
WINDOW_S every HOP_S (turns in meetings are often under 2 s); each window is embedded as the clip
streams past on its way to recognition, so a long file is read once and memory holds only the
vectors (1 KiB per window). The vectors are clustered by average-linkage agglomerative clustering
on cosine distance; the speaker count is where the merges pass THRESHOLD, unless the caller fixes
it (num_speakers) or bounds it (min_speakers/max_speakers).

Measured on `../shared/data/diarization/` (AMI far-field meetings) and on conversations joined
from four Mandarin speakers (bench/diarization.py, README: Diarization): the encoder separates
clearly different voices well and far-field meeting voices poorly, and THRESHOLD is the one value
that kept the automatic count within one of the truth on both.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from transcripts.engine.audio import SAMPLE_RATE
from transcripts.engine.result import Segment

WINDOW_S = 1.5
HOP_S = 0.75
MIN_WINDOW_S = 0.3  # shorter speech is labelled by its neighbours in time
THRESHOLD = 0.35  # cosine distance at which average-linkage merging stops
# The encoder was trained on speech normalised to -30 dBFS, and it reads a power spectrogram, so
# level matters: far-field meetings at -41 dBFS gave DER 0.42 with the true count, 0.21 raised.
TARGET_DBFS = -30.0
MAX_SPEAKERS = 20
MAX_CLUSTERED = 2000  # windows clustered directly (about 25 min of speech); see cluster()
# A segment without word times is split where the speaker changes only when the other speaker
# holds it at least this long; shorter overlaps are labelled with the speaker who holds most.
MIN_SPLIT_S = 1.0


@dataclass(frozen=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: int  # cluster index; names (S1, S2, ...) are given once segments are labelled


@lru_cache(maxsize=2)
def load_encoder(device: str = "cpu"):
    """The resemblyzer voice encoder (about 6 MB of weights in the wheel), once per device."""
    import torch
    from resemblyzer import VoiceEncoder

    torch.set_grad_enabled(False)
    return VoiceEncoder(device=device, verbose=False)


def level_gain(rms: float) -> float:
    """The gain that brings speech of this RMS to TARGET_DBFS (never quieter: loud speech is kept)."""
    if rms <= 1e-7:
        return 1.0
    return max(1.0, 10 ** (TARGET_DBFS / 20) / rms)


def speech_windows(samples_count: int) -> list[tuple[int, int]]:
    """Sample ranges of the windows embedded for one clip: WINDOW_S every HOP_S, the last one
    flush with the clip's end; a clip shorter than a window is one window (none under MIN_WINDOW_S)."""
    window, hop = int(WINDOW_S * SAMPLE_RATE), int(HOP_S * SAMPLE_RATE)
    if samples_count < MIN_WINDOW_S * SAMPLE_RATE:
        return []
    if samples_count <= window:
        return [(0, samples_count)]
    starts = list(range(0, samples_count - window, hop)) + [samples_count - window]
    return [(s, s + window) for s in starts]


@dataclass
class SpeakerEmbeddings:
    """Vectors of the speech windows of one recording, collected as its clips go by."""

    gain: float = 1.0
    device: str = "cpu"
    windows: list[tuple[float, float]] = field(default_factory=list)  # seconds on the recording
    vectors: list[np.ndarray] = field(default_factory=list)

    def add(self, start_s: float, samples: np.ndarray) -> None:
        ranges = speech_windows(len(samples))
        if not ranges:
            return
        self.vectors.extend(_embed(samples * self.gain, ranges, self.device))
        self.windows.extend((start_s + a / SAMPLE_RATE, start_s + b / SAMPLE_RATE) for a, b in ranges)

    def turns(self, num_speakers: int | None = None, min_speakers: int | None = None,
              max_speakers: int | None = None) -> list[SpeakerTurn]:
        labels = cluster(np.array(self.vectors), num_speakers, min_speakers, max_speakers)
        return speaker_turns(self.windows, smoothed(self.windows, labels))


def _embed(samples: np.ndarray, ranges: list[tuple[int, int]], device: str) -> list[np.ndarray]:
    """One forward pass for all windows of a clip: the mel spectrogram of the clip once, each
    window a slice of its frames, run as a packed batch so each gets its own last LSTM state."""
    import torch
    from resemblyzer import wav_to_mel_spectrogram

    encoder = load_encoder(device)
    mel = wav_to_mel_spectrogram(samples.astype(np.float32))  # 10 ms frames
    hop = SAMPLE_RATE // 100
    frames = [torch.from_numpy(mel[a // hop: max(a // hop + 1, b // hop)]) for a, b in ranges]
    lengths = torch.tensor([len(f) for f in frames])
    padded = torch.nn.utils.rnn.pad_sequence(frames, batch_first=True).to(encoder.device)
    packed = torch.nn.utils.rnn.pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        _, (hidden, _) = encoder.lstm(packed)
        raw = encoder.relu(encoder.linear(hidden[-1]))
        vectors = raw / torch.clamp(torch.norm(raw, dim=1, keepdim=True), min=1e-8)
    return list(vectors.cpu().numpy())


def cluster(vectors: np.ndarray, num_speakers: int | None = None, min_speakers: int | None = None,
            max_speakers: int | None = None) -> np.ndarray:
    """A speaker index per vector (0-based). Without num_speakers the count is where average-linkage
    merging passes THRESHOLD, moved into [min_speakers, max_speakers] when bounds are given.

    Agglomerative clustering holds every pairwise distance, so at most MAX_CLUSTERED vectors
    (evenly spread over the recording) are clustered and the others join the nearest speaker's
    centroid: memory stays bounded however long the file (2000 vectors: 16 MB of distances)."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), int)
    chosen = np.unique(np.linspace(0, len(vectors) - 1, min(len(vectors), MAX_CLUSTERED)).astype(int))
    labels = _agglomerative(vectors[chosen], num_speakers, min_speakers, max_speakers)
    if len(chosen) == len(vectors):
        return labels
    centroids = np.stack([vectors[chosen][labels == k].mean(axis=0) for k in range(labels.max() + 1)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    return np.argmax(vectors @ centroids.T, axis=1)


def _agglomerative(vectors: np.ndarray, num_speakers: int | None, min_speakers: int | None,
                   max_speakers: int | None) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(vectors, method="average", metric="cosine")
    if num_speakers:
        count = num_speakers
    else:
        count = len(set(fcluster(tree, THRESHOLD, criterion="distance")))
        count = max(min_speakers or 1, min(count, max_speakers or MAX_SPEAKERS))
    return fcluster(tree, min(count, len(vectors)), criterion="maxclust") - 1


def smoothed(windows: Sequence[tuple[float, float]], labels: np.ndarray) -> np.ndarray:
    """One window whose neighbours (overlapping it) agree on another speaker takes theirs: a lone
    0.75 s flip inside a turn is almost always the encoder, not a 0.75 s interjection."""
    out = labels.copy()
    for i in range(1, len(labels) - 1):
        touching = windows[i - 1][1] > windows[i][0] and windows[i][1] > windows[i + 1][0]
        if touching and labels[i - 1] == labels[i + 1] != labels[i]:
            out[i] = labels[i - 1]
    return out


def speaker_turns(windows: Sequence[tuple[float, float]], labels: np.ndarray) -> list[SpeakerTurn]:
    """Each window speaks for the time nearer its centre than its overlapping neighbours'; runs of
    the same speaker joined into turns."""
    centres = [(start + end) / 2 for start, end in windows]
    turns: list[SpeakerTurn] = []
    for i, ((start, end), label) in enumerate(zip(windows, labels)):
        if i > 0 and windows[i - 1][1] > start:
            start = (centres[i - 1] + centres[i]) / 2
        if i + 1 < len(windows) and windows[i + 1][0] < end:
            end = (centres[i] + centres[i + 1]) / 2
        if turns and turns[-1].speaker == int(label) and start - turns[-1].end < 1e-6:
            turns[-1] = replace(turns[-1], end=round(end, 3))
        else:
            turns.append(SpeakerTurn(round(start, 3), round(end, 3), int(label)))
    return turns


def _overlaps(start: float, end: float, turns: Sequence[SpeakerTurn]) -> dict[int, float]:
    held: dict[int, float] = {}
    for turn in turns:
        shared = min(end, turn.end) - max(start, turn.start)
        if shared > 0:
            held[turn.speaker] = held.get(turn.speaker, 0.0) + shared
    return held


def speaker_at(start: float, end: float, turns: Sequence[SpeakerTurn]) -> int | None:
    """The speaker who holds most of [start, end]; the nearest turn's when none overlaps it."""
    if not turns:
        return None
    held = _overlaps(start, end, turns)
    if held:
        return max(held, key=lambda speaker: held[speaker])
    middle = (start + end) / 2
    return min(turns, key=lambda t: max(t.start - middle, middle - t.end)).speaker


def labelled_segments(segments: Sequence[Segment], turns: Sequence[SpeakerTurn]) -> list[Segment]:
    """Segments with `speaker` set ("S1", "S2", ... in order of first appearance), split where the
    speaker changes: at word boundaries when the words have times, otherwise where another speaker
    holds at least MIN_SPLIT_S of the segment (text divided in proportion to time)."""
    pieces: list[tuple[Segment, int | None]] = []
    for segment in segments:
        pieces += _split_by_words(segment, turns) if segment.words else _split_by_time(segment, turns)
    return in_order_of_appearance([replace(piece, speaker=None if speaker is None else str(speaker))
                                   for piece, speaker in pieces])


def in_order_of_appearance(segments: list[Segment]) -> list[Segment]:
    """Segments whose speaker is a raw key (a cluster, a channel) relabelled S1, S2, ... in order
    of first appearance."""
    names: dict[str, str] = {}
    for segment in segments:
        if segment.speaker:
            segment.speaker = names.setdefault(segment.speaker, f"S{len(names) + 1}")
    return segments


def _split_by_words(segment: Segment, turns: Sequence[SpeakerTurn]) -> list[tuple[Segment, int | None]]:
    groups: list[tuple[int | None, list]] = []
    for word in segment.words:
        speaker = speaker_at(word.start, word.end, turns)
        if groups and groups[-1][0] == speaker:
            groups[-1][1].append(word)
        else:
            groups.append((speaker, [word]))
    if len(groups) == 1:
        return [(segment, groups[0][0])]
    return [(replace(segment, start=words[0].start, end=words[-1].end,
                     text="".join(w.word for w in words).strip(), words=list(words)), speaker)
            for speaker, words in groups]


def _split_by_time(segment: Segment, turns: Sequence[SpeakerTurn]) -> list[tuple[Segment, int | None]]:
    runs: list[list] = []  # [speaker, start, end] within the segment
    for turn in turns:
        start, end = max(segment.start, turn.start), min(segment.end, turn.end)
        if end - start <= 0:
            continue
        if runs and runs[-1][0] == turn.speaker:
            runs[-1][2] = end
        else:
            runs.append([turn.speaker, start, end])
    kept = [run for run in runs if run[2] - run[1] >= MIN_SPLIT_S]
    if len(kept) < 2 or len(set(run[0] for run in kept)) < 2:
        return [(segment, speaker_at(segment.start, segment.end, turns))]
    kept = [run for i, run in enumerate(kept) if i == 0 or run[0] != kept[i - 1][0]]
    bounds = [segment.start] + [(kept[i][2] + kept[i + 1][1]) / 2 for i in range(len(kept) - 1)] + [segment.end]
    cuts = _text_cuts(segment.text, [(b - segment.start) / max(segment.end - segment.start, 1e-6) for b in bounds[1:-1]])
    texts = [segment.text[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(segment.text)])]
    return [(replace(segment, start=round(bounds[i], 3), end=round(bounds[i + 1], 3), text=texts[i], words=[]), run[0])
            for i, run in enumerate(kept) if texts[i]]


def _text_cuts(text: str, shares: list[float]) -> list[int]:
    """Character positions at each share of the text, moved to the nearest space when the text
    has spaces (Latin words stay whole); Chinese is cut between any two characters."""
    spaces = [i for i, c in enumerate(text) if c == " "] if " " in text.strip() else []
    cuts = []
    for share in shares:
        position = round(share * len(text))
        if spaces:
            position = min(spaces, key=lambda i: abs(i - position))
        cuts.append(max(cuts[-1] if cuts else 0, min(position, len(text))))
    return cuts


@dataclass
class LiveSpeakers:
    """Best-effort speakers for live finals, decided as each utterance closes (nothing after it
    is known yet): an utterance's voice joins the nearest speaker seen so far when within
    THRESHOLD, else it is a new speaker. Utterances are levelled one by one (the session's speech
    level is not known in advance)."""

    device: str = "cpu"
    centroids: list[np.ndarray] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    def speaker_of(self, samples: np.ndarray) -> str | None:
        ranges = speech_windows(len(samples))
        if not ranges:
            return None
        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
        vector = np.mean(_embed(samples * level_gain(rms), ranges, self.device), axis=0)
        vector /= max(float(np.linalg.norm(vector)), 1e-8)
        if self.centroids:
            similarity = [float(vector @ c) / max(float(np.linalg.norm(c)), 1e-8) for c in self.centroids]
            best = int(np.argmax(similarity))
            if 1 - similarity[best] <= THRESHOLD or len(self.centroids) >= MAX_SPEAKERS:
                self.centroids[best] = self.centroids[best] * self.counts[best] + vector
                self.counts[best] += 1
                self.centroids[best] /= self.counts[best]
                return f"S{best + 1}"
        self.centroids.append(vector)
        self.counts.append(1)
        return f"S{len(self.centroids)}"
