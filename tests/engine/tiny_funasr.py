"""Build a tiny, randomly initialised FunASR Paraformer model directory.

Real FunASR ASR weights (Paraformer, SenseVoice, Fun-ASR-Nano) cannot be downloaded here, so the
tests prove the loading and inference path on a model with the same file layout a user brings:
config.yaml, model.pt, tokens.json and am.mvn. Its text is meaningless; its shape is not.
"""
from __future__ import annotations

import json
from pathlib import Path

FEATURE_DIM = 80 * 7  # 80 mel bins, low frame rate m=7

CONFIG = """\
model: Paraformer
model_conf:
    ctc_weight: 0.0
    lsm_weight: 0.1
    length_normalized_loss: true
    predictor_weight: 1.0
    sampling_ratio: 0.4
encoder: SANMEncoder
encoder_conf:
    output_size: 16
    attention_heads: 2
    linear_units: 32
    num_blocks: 1
    dropout_rate: 0.0
    positional_dropout_rate: 0.0
    attention_dropout_rate: 0.0
    input_layer: pe
    pos_enc_class: SinusoidalPositionEncoder
    normalize_before: true
    kernel_size: 11
    sanm_shfit: 0
    selfattention_layer_type: sanm
decoder: ParaformerSANMDecoder
decoder_conf:
    attention_heads: 2
    linear_units: 32
    num_blocks: 1
    dropout_rate: 0.0
    positional_dropout_rate: 0.0
    self_attention_dropout_rate: 0.0
    src_attention_dropout_rate: 0.0
    att_layer_num: 1
    kernel_size: 11
    sanm_shfit: 0
predictor: CifPredictorV2
predictor_conf:
    idim: 16
    threshold: 1.0
    l_order: 1
    r_order: 1
    tail_threshold: 0.45
frontend: WavFrontend
frontend_conf:
    fs: 16000
    window: hamming
    n_mels: 80
    frame_length: 25
    frame_shift: 10
    lfr_m: 7
    lfr_n: 6
specaug: null
normalize: null
tokenizer: CharTokenizer
tokenizer_conf:
    unk_symbol: <unk>
    split_with_space: true
"""

TOKENS = ["<blank>", "<s>", "</s>", *"你好世界歌一首换", "<unk>"]


def _cmvn(dim: int) -> str:
    shift = " ".join(["0"] * dim)
    scale = " ".join(["1"] * dim)
    return (
        f"<Nnet>\n<Splice> {dim} {dim}\n[ 0 ]\n<AddShift> {dim} {dim}\n<LearnRateCoef> 0 [ {shift} ]\n"
        f"<Rescale> {dim} {dim}\n<LearnRateCoef> 0 [ {scale} ]\n</Nnet>\n"
    )


def build_tiny_paraformer(directory: Path) -> Path:
    import torch
    import yaml
    from funasr.register import tables

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.yaml").write_text(CONFIG)
    (directory / "tokens.json").write_text(json.dumps(TOKENS, ensure_ascii=False))
    (directory / "am.mvn").write_text(_cmvn(FEATURE_DIM))
    conf = yaml.safe_load(CONFIG)
    model_class = tables.model_classes.get(conf["model"])
    torch.manual_seed(0)
    model = model_class(**conf, vocab_size=len(TOKENS), input_size=FEATURE_DIM)
    torch.save(model.state_dict(), directory / "model.pt")
    return directory
