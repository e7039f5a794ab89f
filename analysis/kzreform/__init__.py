"""Analysis code for the study of Kazakhstan's constitutional reforms.

Every rule the study applies lives in this package; notebooks only load,
call and show.
"""
