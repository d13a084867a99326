"""Training: the trainer (fit/evaluate/predict) and its executors."""
