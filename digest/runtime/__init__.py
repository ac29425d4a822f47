"""Process pools, memory, per-word memos and grouping shared by the stages."""
