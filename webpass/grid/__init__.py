"""The bidders' response grid: built from a selection, exported, read back and checked."""
