"""Framing: codebook, hand and automated coding, reliability, analyses, display."""
