"""MkDocs hooks: the manual's HTTP reference page is generated from the app's OpenAPI document at each build."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from api.openapi_reference import current_reference


def on_files(files: Files, config: Any) -> Files:
    """Add ``reference.md``, rendered from the code, to the pages MkDocs builds."""
    files.append(File.generated(config, "reference.md", content=current_reference()))
    return files
