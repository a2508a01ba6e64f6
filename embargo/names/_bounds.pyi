"""Types of the compiled candidate-bounds kernel (``_bounds.pyx``)."""

import numpy as np

def candidate_bounds(
    reached: list[np.ndarray],
    exact: np.ndarray,
    mask: np.ndarray | None,
    tids: list[np.ndarray],
    signed: list[np.ndarray],
    weights: list[float],
    words: list[bool],
    total_q: float,
    bound: float,
    conflict_penalty: float,
    index_token_start: np.ndarray,
    index_token_ids: np.ndarray,
    index_weights32: np.ndarray,
    index_weights64: np.ndarray,
    index_total: np.ndarray,
    slots: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
