"""The corpus: raw texts to paragraphs, duplicates, its rules, overview and timeline."""
