"""transparency_ner: tag Chinese government information-disclosure annual reports.

Importing the package registers the tokenizer and the rules component with spaCy; a
packaged pipeline does not need the import, the entry points in pyproject.toml do it.
"""
__version__ = "0.1.0"

from .tokenizer import CharTokenizer, create_char_tokenizer  # noqa: E402,F401  (registers)
from .baseline import make_rules  # noqa: E402,F401  (registers)
from .models import build_norm_bow  # noqa: E402,F401  (registers)
from .report import Report, tag_report  # noqa: E402,F401  (the Python API)

__all__ = ["__version__", "tag_report", "Report", "CharTokenizer"]
