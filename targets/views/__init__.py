"""HTML pages of targets: plans (``plans.py``) and sale records (``sales.py``)."""
