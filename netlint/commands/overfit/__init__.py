"""``netlint overfit``: can the model overfit one fixed batch? (``command`` is the click command.)"""
