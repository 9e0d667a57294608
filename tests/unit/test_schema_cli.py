"""``weavorm schema`` command wiring that needs no server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from weavorm.cli import main
from weavorm.errors import SchemaError
from weavorm.schema._cli import load_models

MODULE = """
from weavorm import Field, Model
from weavorm.config import Vectorizer


class CliUnitBase(Model):
    class Meta:
        abstract = True


class CliUnitThing(CliUnitBase):
    label: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()
"""


@pytest.fixture
def models_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "cli_unit_models.py").write_text(MODULE)
    (tmp_path / "cli_unit_empty.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "cli_unit_models"
    sys.modules.pop("cli_unit_models", None)
    sys.modules.pop("cli_unit_empty", None)


def test_load_models(models_module: str) -> None:
    models = load_models([models_module])
    assert [m.__name__ for m in models] == ["CliUnitThing"]
    assert load_models([models_module, models_module]) == models
    with pytest.raises(SchemaError, match="defines no weavorm models"):
        load_models(["cli_unit_empty"])
    with pytest.raises(SchemaError, match="cannot import the models module 'nope_nope'"):
        load_models(["nope_nope"])


def test_show_prints_class_json(models_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "show", "--models", models_module]) == 0
    classes = json.loads(capsys.readouterr().out)
    assert classes[0]["class"] == "CliUnitThing"
    assert classes[0]["properties"][0]["tokenization"] == "field"


def test_bad_module_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "show", "--models", "nope_nope"]) == 1
    assert "cannot import the models module" in capsys.readouterr().err


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["schema", "diff"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["schema", "rollback"])
    assert info.value.code == 2
