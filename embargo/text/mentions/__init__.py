"""Layers that find where a text names someone: list dictionary, NER, linking."""
