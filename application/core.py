"""The base of CollectionsApp's command mixins: typed access to the whole application."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from application.app import CollectionsApp


class AppPart:
    """A group of CollectionsApp's commands kept in its own module; ``_app`` is the application itself."""

    @property
    def _app(self) -> CollectionsApp:
        return cast("CollectionsApp", self)
