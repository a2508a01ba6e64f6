"""embargo: sanctions and adverse-media screening that runs on a laptop."""

__version__ = "0.1.0"
