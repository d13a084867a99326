"""Lets tests in sub-folders import the shared helpers (layer_gradcheck, ...)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
