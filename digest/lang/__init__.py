"""Shared language code: Arabic text rules, dates, the gazetteer."""
