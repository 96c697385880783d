"""The recognition engine: plain Python with no Django imports, usable and testable alone."""
from transcripts.engine.errors import EngineError
from transcripts.engine.options import TranscribeOptions
from transcripts.engine.pipeline import Engine, EngineConfig
from transcripts.engine.result import Segment, TranscriptResult, Word

__all__ = ["Engine", "EngineConfig", "EngineError", "Segment", "TranscribeOptions", "TranscriptResult", "Word"]
