"""Shared fixtures: where the shared corpus and the project's samples live."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared EDI corpus (../shared/corpus) not present")


def corpus_rows(standard: str | None = None) -> list[dict[str, str]]:
    """Rows of ../shared/corpus/INDEX.tsv (empty when the corpus is absent)."""
    index = CORPUS / "INDEX.tsv"
    if not index.is_file():
        return []
    with index.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r for r in rows if standard is None or r["standard"] == standard]


def corpus_files(prefix: str) -> list[Path]:
    """Corpus files whose path (relative to the corpus) starts with ``prefix``, e.g. "x12/850"."""
    return sorted(CORPUS / r["file"] for r in corpus_rows() if r["file"].startswith(prefix))


def corpus_params(prefix: str) -> list:
    """pytest params over corpus files, ids = file names; one skipped param when absent."""
    files = corpus_files(prefix)
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason="shared EDI corpus not present"))]
    return [pytest.param(p, id=p.name) for p in files]
