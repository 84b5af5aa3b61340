"""Shared fixtures: the real bundled model (loaded once), settings on temporary directories."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Tests must never read the developer's .env or reach a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def embeddings():
    from indexer.embedding import load_embeddings

    return load_embeddings(None)


def make_settings(data_dir: Path, knowledge_dir: Path, **extra):
    from bot.settings import Settings

    env = {"DATA_DIR": str(data_dir), "KNOWLEDGE_DIR": str(knowledge_dir), **extra}
    return Settings.from_mapping(env)


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    """A private, editable copy of the shipped knowledge directory."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture
def settings(tmp_path, knowledge_copy):
    return make_settings(tmp_path / "data", knowledge_copy)


@pytest.fixture(scope="session")
def shipped_assistant(tmp_path_factory, embeddings):
    """An Assistant over the shipped knowledge, indexed once into embedded Chroma."""
    from bot.assistant import Assistant
    from indexer.build import build_index

    data = tmp_path_factory.mktemp("shipped-data")
    settings = make_settings(data, KNOWLEDGE)
    build_index(settings, embeddings=embeddings)
    return Assistant.from_settings(settings, embeddings=embeddings)
