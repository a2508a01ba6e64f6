"""HTTP routes, one module per concern; each exposes ``build(settings) -> APIRouter``."""
