"""Error types that speak the notes' language."""

__all__ = ["ShapeError"]


class ShapeError(ValueError):
    """Operands whose shapes do not fit; the message names both shapes."""
