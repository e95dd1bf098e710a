"""axiskg: a linked-data publisher for a provenance-rich knowledge graph of the 'Axis of Resistance'."""

__version__ = "0.1.0"
