"""Types of the compiled candidate-bounds kernel (``_bounds.pyx``)."""

import numpy as np

class NameBounds:
    vocab: int
    names: int
    def __init__(
        self,
        token_start: np.ndarray,
        token_ids: np.ndarray,
        posting_start: np.ndarray,
        posting_ids: np.ndarray,
        weights32: np.ndarray,
        weights64: np.ndarray,
        total: np.ndarray,
        bag_keys: np.ndarray,
        bag_vids: np.ndarray,
    ) -> None: ...
    def candidates(
        self,
        essential: list[int],
        exact_tids: list[int] | None,
        exact_key: int,
        mask: np.ndarray | None,
        tids: list[np.ndarray],
        signed: list[np.ndarray],
        weights: list[float],
        words: list[bool],
        total_q: float,
        bound: float,
        rounding: float,
        conflict_penalty: float,
        slots: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]: ...
