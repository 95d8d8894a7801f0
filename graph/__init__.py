"""wijknet's domain: the model, the stores and the network analysis.

This package imports nothing else of wijknet; ``api``, ``importers`` and ``visual`` build on it.
"""
