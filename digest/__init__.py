"""digest: a multilingual press-digest generator (Arabic in; Arabic, English and Spanish out)."""

__version__ = "0.1.0"
