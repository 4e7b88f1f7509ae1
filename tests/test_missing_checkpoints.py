"""A checkpoint the project expects on disk, read while a model is built, is a weights request
answered with stand-in weights in every form of reading it (torch.load of a path or of a file
opened first, pickle, numpy, model_zoo, torch.hub); a missing file that is not a checkpoint
is an error naming it. Through the real CLI on tests/loading/checkpoints/checkpoints.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_netlint

CASES = Path(__file__).resolve().parent / "loading" / "checkpoints"


def test_each_form_of_reading_a_missing_checkpoint_is_a_weights_request(tmp_path):
    shutil.copy(CASES / "checkpoints.py", tmp_path)
    proc = run_netlint("checkpoints.py", "--output-format", "json", cwd=tmp_path)
    report = json.loads(proc.stdout)
    requested = {m["target"].partition("::")[2]: m["weights_requested"] for m in report["models"]}
    assert requested == {
        "PathLoaded": [{"module": "net", "weights": "pretrained/resnet18.pth"}],
        "OpenedThenLoaded": [{"module": "net", "weights": "checkpoints/model_best.pth.tar"}],
        "WithOpen": [{"module": "backbone", "weights": "weights/backbone.pt"}],  # with open(...) as f, keys renamed
        "PickledWeights": [{"module": "net", "weights": "weights/resnet18.pkl"}],
        "NumpyWeights": [{"module": "net", "weights": "vgg_weights.npy"}],  # np.load(...).item()
        "ZooWeights": [{"module": "net", "weights": "https://example.org/resnet18-zoo.pth"}],
        "HubWeights": [{"module": "net", "weights": "https://example.org/resnet18-hub.pth"}],
        "Guarded": [{"module": "net", "weights": "weights/optional.pth"}],  # os.path.exists: there, in its view
    }
    line = next(n for n, text in enumerate((CASES / "checkpoints.py").read_text().splitlines(), 1)
                if "with open(labels)" in text)
    assert [(e["target"], e["line"], e["message"]) for e in report["errors"]] == [
        ("checkpoints.py::LabelsFile", line, "building LabelsFile failed: FileNotFoundError: [Errno 2] "
                                             "No such file or directory: 'data/imagenet_labels.txt'")]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoints.py"]  # nothing written
