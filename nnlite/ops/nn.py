"""Neural-network ops, as `keras.ops.nn`."""
__all__ = []
