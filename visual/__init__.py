"""Pictures of the network: the wijk map (vis-network data) and comparison charts.

Pure functions over ``graph`` results; they return data for the page templates to draw,
never HTML built from user text.
"""
