import subprocess
import sys


def test_the_engine_imports_without_django():
    code = "import sys, transcripts.engine.pipeline, transcripts.engine.formats; print('django' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
