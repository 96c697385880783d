"""The benchmark's recordings can be built from any folder of Mandarin clips (issue 12 is accepted
on clips that are not in the repository)."""
import json

import numpy as np
import pytest

from bench.common import mandarin_clips, write_wav


def _folder(tmp_path, lines):
    (tmp_path / "manifest.jsonl").write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n",
                                             encoding="utf-8")
    return tmp_path


def test_the_zh_lines_of_a_manifest_become_clips_with_their_references(tmp_path):
    tone = np.sin(np.arange(8000) / 16000 * 2 * np.pi * 220).astype(np.float32) * 0.3
    write_wav(tmp_path / "a.wav", tone)
    write_wav(tmp_path / "b.wav", tone[:4000])
    folder = _folder(tmp_path, [{"audio": "a.wav", "language": "zh", "text": "换一首歌"},
                                {"audio": "b.wav", "language": "en", "text": "not Mandarin"}])
    clips = mandarin_clips(folder)
    assert list(clips) == ["a.wav"]
    samples, text = clips["a.wav"]
    assert text == "换一首歌"
    assert len(samples) == 8000 and np.allclose(samples, tone, atol=1e-3)


def test_a_folder_without_a_manifest_or_without_mandarin_says_what_to_put_there(tmp_path):
    with pytest.raises(SystemExit, match='manifest.jsonl not found.*"language": "zh"'):
        mandarin_clips(tmp_path)
    with pytest.raises(SystemExit, match='no clip with "language": "zh"'):
        mandarin_clips(_folder(tmp_path, [{"audio": "x.wav", "language": "en", "text": "hello"}]))
