"""smop-pricing: the SMOP billing rules as a pricing engine, simulator and CLI.

The core never imports streamlit; the pages in ``app_pages/`` call it.
"""

__version__ = "0.1.0"
