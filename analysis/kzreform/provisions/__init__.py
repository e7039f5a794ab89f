"""Provisions: the matrix, the law beside the commentary, their rules and display."""
