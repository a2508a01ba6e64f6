"""Where the real list files and articles the tests read are kept.

They sit beside the repository (``../shared/data``), read-only; a checkout
elsewhere can point ``EMBARGO_TEST_DATA`` at its copy.
"""

import os
from pathlib import Path

SHARED_DATA = Path(
    os.environ.get("EMBARGO_TEST_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
LISTS = Path(os.environ.get("EMBARGO_TEST_LISTS", SHARED_DATA / "lists"))
ARTICLE = SHARED_DATA / "articles" / "assad-moscow.txt"
