"""Limits the answers keep to, read by the models and by the question types alike."""

TEXT_MAX = 500  # characters of a free-text answer or «Другое»
# Scores at or above this count as satisfied: top two of five points.
SATISFIED_MIN = 4
