"""pinniped-py: a Python reference implementation of Pinniped's Concierge.

This module deliberately imports nothing: it runs before every `pinniped` CLI call.
"""

__version__ = "0.1.0"
